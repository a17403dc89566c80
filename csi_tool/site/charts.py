"""Charts as static SVG, made at build time: readable without JavaScript, no request anywhere.

Written here rather than with a charting library: a record page has one small chart per
metric, and a register of 10,000 records needs tens of thousands of them in a few seconds,
which no general-purpose library (matplotlib, pygal) comes near. Every chart carries a title
and description for screen readers; pages also show the numbers as a table.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from csi_tool import clock
from csi_tool.site.markup import verbatim

WIDTH, HEIGHT = 640, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 24, 40
_AXIS = (
    f'<line class="axis" x1="{_LEFT}" y1="{HEIGHT - _BOTTOM}" '
    f'x2="{WIDTH - _RIGHT}" y2="{HEIGHT - _BOTTOM}"/>'
)


# Named tuples, not frozen dataclasses: a register's pages make tens of thousands of these,
# and a frozen dataclass sets each field through object.__setattr__.
class Line(NamedTuple):
    """A horizontal reference line (baseline, target, action threshold)."""

    label: str
    value: float
    css_class: str


class Behaviour(NamedTuple):
    """A process behaviour chart over a metric chart: the limits of the values before the
    work (one label for the three lines, above the upper limit: the reference lines' labels
    would crowd them), the values that signal a shift, and the verdict."""

    centre: float | None
    lower: float | None
    upper: float | None
    signalling: Mapping[dt.date, str]  # the day of a value that signals → by which rules
    verdict: str

    def lines(self) -> list[Line]:
        """Centre line and natural process limits, when there are limits."""
        if self.centre is None or self.lower is None or self.upper is None:
            return []
        return [
            Line("upper limit", self.upper, "pbc-limit"),
            Line("centre", self.centre, "pbc-centre"),
            Line("lower limit", self.lower, "pbc-limit"),
        ]


def metric_chart(
    key: str,
    title: str,
    unit: str,
    points: Sequence[tuple[dt.date, float]],
    lines: Sequence[Line],
    description: str,
    period: tuple[dt.date, dt.date] | None = None,
    trend: Sequence[tuple[dt.date, float]] = (),
    behaviour: Behaviour | None = None,
) -> str:
    """Measurements over time as a line with markers, against labelled reference lines and
    the trend the benefit verdict reads (dashed, to the target date); with `period`, on that
    time axis (a record's charts share one, so leading and lagging indicators line up);
    with `behaviour`, the process limits, the values that signal and the verdict."""
    limits = behaviour.lines() if behaviour else []
    values = [v for _, v in points] + [line.value for line in [*lines, *limits]]
    values += [v for _, v in trend]
    if not values:
        return ""
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    if not math.isfinite(high - low):  # values near float's limits: the table shows them
        return ""
    days = [d for d, _ in [*points, *trend]] or [clock.today()]
    first, last = period or (min(days), max(days))
    span, spread = max((last - first).days, 1), high - low
    # divided first, then scaled: the other order rounds differently, and a coordinate
    # written to one decimal would move by 0.1 between releases

    def x(day: dt.date) -> float:
        return _LEFT + (day - first).days / span * (WIDTH - _LEFT - _RIGHT)

    def y(value: float) -> float:
        return _TOP + (high - value) / spread * (HEIGHT - _TOP - _BOTTOM)

    shown_unit = verbatim(unit)
    parts = [_open(key, title, description), _AXIS]
    parts += [
        f'<text class="tick" x="{_LEFT - 6}" y="{y(tick) + 4:.1f}" '
        f'text-anchor="end">{_number(tick)}</text>'
        for tick in _ticks(low, high)
    ]
    for line in lines:
        at = y(line.value)
        parts.append(
            f"{_line(line.css_class, at)}"
            f'<text class="ref-label {line.css_class}" x="{WIDTH - _RIGHT - 4}" '
            f'y="{at - 4:.1f}" text-anchor="end">'
            f"{verbatim(line.label)} {_number(line.value)}</text>"
        )
    parts += [_line(line.css_class, y(line.value)) for line in limits]  # one label, below
    if limits:
        upper, centre, lower = (line.value for line in limits)
        parts.append(
            f'<text class="ref-label pbc-limit" x="{(_LEFT + WIDTH - _RIGHT) / 2:.0f}" '
            f'y="{y(upper) - 4:.1f}" text-anchor="middle">natural limits {_number(lower)} to '
            f"{_number(upper)}, centre {_number(centre)}</text>"
        )
    parts.append(f'<text class="tick unit" x="4" y="{_TOP - 4}">{shown_unit}</text>')
    if behaviour:
        parts.append(
            f'<text class="verdict" x="{WIDTH - _RIGHT}" y="{_TOP - 8}" text-anchor="end">'
            f"{verbatim(behaviour.verdict)}</text>"
        )
    signalling = behaviour.signalling if behaviour else {}
    if trend:
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in trend)
        parts.append(f'<polyline class="trend" points="{path}"/>')
    if points:
        placed = [(f"{x(d):.1f}", f"{y(v):.1f}") for d, v in points]
        path = " ".join(f"{cx},{cy}" for cx, cy in placed)
        parts.append(f'<polyline class="series" points="{path}"/>')
        for (d, v), (cx, cy) in zip(points, placed, strict=True):
            rules = signalling.get(d)
            shape = ' class="point signal" r="5.5"' if rules else ' class="point" r="3.5"'
            signals = f" (signals a shift: {rules})" if rules else ""
            parts.append(
                f'<circle{shape} cx="{cx}" cy="{cy}">'
                f"<title>{d.isoformat()}: {_number(v)} {shown_unit}{signals}</title></circle>"
            )
    parts.append(f'<text class="tick" x="{_LEFT}" y="{HEIGHT - 14}">{first.isoformat()}</text>')
    parts.append(
        f'<text class="tick" x="{WIDTH - _RIGHT}" y="{HEIGHT - 14}" '
        f'text-anchor="end">{last.isoformat()}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    key: str,
    title: str,
    bars: Sequence[tuple[str, int]],
    description: str,
    classes: Sequence[str] = (),
) -> str:
    """Horizontal bars with their counts: records per state, closed per month; `classes`
    colour each bar (a benefit's status, say)."""
    height = _TOP + 26 * max(len(bars), 1) + 8
    most = max((count for _, count in bars), default=0) or 1
    # room for the longest label at about 6.2 px a character (11 px text), within reason
    longest = max((len(label) for label, _ in bars), default=0)
    label_width = min(300, max(150, round(6.2 * longest) + 16))
    parts = [_open(key, title, description, height)]
    for i, (label, count) in enumerate(bars):
        top = _TOP + i * 26
        length = count / most * (WIDTH - label_width - 60)
        parts.append(
            f'<text class="tick" x="{label_width - 8}" y="{top + 15}" text-anchor="end">'
            f"{verbatim(label)}</text>"
            f'<rect class="bar {verbatim(classes[i]) if i < len(classes) else ""}" '
            f'x="{label_width}" y="{top + 2}" width="{length:.1f}" height="18"/>'
            f'<text class="tick" x="{label_width + length + 6:.1f}" y="{top + 15}">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def matrix_chart(
    key: str,
    title: str,
    cells: dict[tuple[int, int], list[str]],
    lanes: dict[tuple[int, int], str],
    description: str,
) -> str:
    """The 5×5 impact-versus-effort matrix: each cell coloured by lane, with its record count."""
    size, left, top = 64, 70, 20
    parts = [_open(key, title, description, top + 5 * size + 50)]
    for impact in range(5, 0, -1):
        for effort in range(1, 6):
            cx, cy = left + (effort - 1) * size, top + (5 - impact) * size
            count = len(cells.get((impact, effort), []))
            lane = lanes.get((impact, effort), "")
            parts.append(
                f'<rect class="cell lane-{verbatim(lane)}" x="{cx}" y="{cy}" width="{size - 2}" '
                f'height="{size - 2}"><title>impact {impact}, effort {effort}: {count} '
                f"record(s), {verbatim(lane)}</title></rect>"
            )
            if count:
                parts.append(
                    f'<text class="count" x="{cx + size / 2 - 1}" y="{cy + size / 2 + 5}" '
                    f'text-anchor="middle">{count}</text>'
                )
        parts.append(
            f'<text class="tick" x="{left - 8}" y="{top + (5 - impact) * size + size / 2 + 4}" '
            f'text-anchor="end">{impact}</text>'
        )
    for effort in range(1, 6):
        parts.append(
            f'<text class="tick" x="{left + (effort - 1) * size + size / 2 - 1}" '
            f'y="{top + 5 * size + 16}" text-anchor="middle">{effort}</text>'
        )
    parts.append(
        f'<text class="tick" x="{left + 5 * size / 2}" y="{top + 5 * size + 38}" '
        'text-anchor="middle">effort &rarr;</text>'
    )
    parts.append(
        f'<text class="tick" x="14" y="{top + 5 * size / 2}" '
        f'transform="rotate(-90 14 {top + 5 * size / 2})" text-anchor="middle">impact &rarr;</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _line(css_class: str, at: float) -> str:
    """A horizontal line across the plot, `at` pixels down."""
    shown = f"{at:.1f}"
    return (
        f'<line class="{css_class}" x1="{_LEFT}" y1="{shown}" x2="{WIDTH - _RIGHT}" y2="{shown}"/>'
    )


def _open(key: str, title: str, description: str, height: int = HEIGHT) -> str:
    """The svg element; `key` makes the title and description ids unique on their page."""
    return (
        f'<svg class="csi-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{key}-t {key}-d">'
        f'<title id="{key}-t">{verbatim(title)}</title>'
        f'<desc id="{key}-d">{verbatim(description)}</desc>'
    )


def _ticks(low: float, high: float) -> list[float]:
    """About five ticks on round numbers (1, 2 or 5 times a power of ten) within the range."""
    raw = (high - low) / 4
    if not raw > 0:  # a range of a few subnormal numbers: a quarter of it rounds to zero
        return []
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    count = int((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


def _number(value: float) -> str:
    return f"{value:.4g}"
