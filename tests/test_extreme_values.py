"""Registers with extreme but schema-valid values: every read-only command ends in 0, 1 or 2.

A value that validates but breaks a later command (a date at the calendar's end overflowing a
trend, a huge number, an escape that makes a control character) would break the publish job
once merged. Hypothesis builds records from the whole range the schema allows and a little
beyond, and runs validate, prioritize, review and the site's page generation on them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csi_tool.errors import CsiError
from csi_tool.site.builder import RecordPages, navigation_pages
from csi_tool.site.data import collect_site_data
from tests.conftest import PROJECT

AS_OF = dt.date(2026, 11, 27)
dates = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)),
    st.sampled_from([dt.date(1900, 1, 1), dt.date(2999, 12, 31), dt.date(2028, 2, 29)]),
).map(dt.date.isoformat)
BEYOND = st.sampled_from(["0001-01-01", "9999-12-31"])  # refused, never a crash
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1e308, -1e308, 5e-324, 2**63, -(2**63), 100, 101]),
    st.integers(-(10**30), 10**30),
)
# every Unicode category but controls and surrogates (a raw control character is refused
# with the whole file, which would hide the rest); escapes that make them are tested elsewhere
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=3, max_size=300).filter(
    lambda text: len(text.strip()) >= 3
)
long_texts = st.one_of(  # up to the 20,000 characters a text field takes, and just past it
    texts,
    st.tuples(texts, st.sampled_from([19_999, 20_001])).map(lambda t: (t[0] * 20_001)[: t[1]]),
)


@st.composite
def records(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """A record in a random state with extreme values in every kind of field."""
    status = draw(st.sampled_from(["logged", "assessed", "approved", "in_progress", "closed"]))
    # events in their real order, so most records validate and reach every computation
    created, decided, started, *measured, reviewed = sorted(
        draw(st.lists(dates, min_size=8, max_size=8))
    )
    measurements = [
        {"date": day, "value": draw(numbers)}
        for day in sorted(set(measured))[: draw(st.integers(0, 4))]
    ]
    direction = draw(st.sampled_from(["increase", "decrease"]))
    baseline = draw(numbers)
    step = abs(draw(numbers)) or 1
    target = baseline + step if direction == "increase" else baseline - step
    if created == reviewed:  # a target date must come after the baseline's
        reviewed = max(reviewed, draw(dates))
    record: dict[str, Any] = {
        "schema_version": 2,
        "id": f"CSI-{number:04d}",
        "title": draw(texts),
        "created": created,
        "status": status,
        "owner": "@acme/desk",
        "service": draw(st.one_of(texts, st.just("Service Desk"))),
        "source": {"kind": "audit", "references": {"incidents": ["INC1"]}},
        "current_state": {"summary": draw(long_texts)},
        "assessment": {
            "impact": draw(st.integers(1, 5)),
            "urgency": draw(st.integers(1, 5)),
            "effort": draw(st.integers(1, 5)),
            "risk": draw(st.integers(1, 5)),
            "confidence": draw(st.floats(0.01, 1)),
        },
        "options": [{"summary": draw(texts), "expected_outcome": "Better", "chosen": True}],
        "decisions": [
            {"outcome": "approved", "date": decided, "by": "@board", "rationale": draw(texts)}
        ],
        "metrics": [
            {
                "key": "m",
                "name": draw(texts),
                "kind": "lagging",
                "unit": draw(st.sampled_from(["%", "days", "tickets"])),
                "direction": direction,
                "baseline": {"value": baseline, "date": created, "source": "x"},
                "target": {"value": target, "by": max(draw(dates), reviewed)},
                "action_threshold": draw(numbers),
                "measurements": measurements,
            }
        ],
        "plan": {"start": started, "due": max(started, draw(dates))},
    }
    if measurements and draw(st.integers(0, 5)) == 0:
        measurements[-1]["date"] = draw(BEYOND)
    if draw(st.integers(0, 5)) == 0:
        record["metrics"][0]["target"]["by"] = draw(BEYOND)
    if status == "closed":
        record["review"] = {"date": reviewed, "outcome": "achieved", "summary": draw(texts)}
        record["lessons"] = [{"text": draw(texts)}]
    return record


def _register(root: Path, items: list[dict[str, Any]]) -> None:
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    for item in items:
        text = json.dumps(item, ensure_ascii=False)  # JSON is YAML 1.2: every value round-trips
        (root / "register" / f"{item['id']}.yaml").write_text(text + "\n", encoding="utf-8")


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.integers(1, 40), min_size=1, max_size=4, unique=True).flatmap(
        lambda ids: st.tuples(*[records(n) for n in ids])
    )
)
def test_every_read_only_command_survives_extreme_values(
    tmp_path: Path, run_csi: Callable[..., Result], items: tuple[dict[str, Any], ...]
) -> None:
    root = tmp_path / "extreme"
    _register(root, list(items))
    for args in (
        ("validate", "--format", "json"),
        ("prioritize", "--format", "json", "--as-of", AS_OF.isoformat()),
        ("review", "--format", "json", "--as-of", AS_OF.isoformat()),
    ):
        result = run_csi(root, *args)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        assert "unexpected error" not in result.output, (args, result.output)
    try:  # the site's own work, without MkDocs (its build is the slow part, tested elsewhere)
        data = collect_site_data(root, AS_OF)
        pages = navigation_pages(data)
        assert all(isinstance(page.heading, str) for page in pages)
        assert all(page.body for page in RecordPages(root, data))
    except CsiError:
        pass  # a clear refusal, as the command would report it
