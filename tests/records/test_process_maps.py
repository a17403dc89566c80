"""Process maps in records: validated at their lines, and counted as improvement work counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from csi_tool.records.analysis import figures
from csi_tool.records.register import load_work_tree
from tests.conftest import MINIMAL_RECORD, PROJECT, write_record

MAPPED = (
    MINIMAL_RECORD.format(id="CSI-0002", title="Fewer approvals")
    + """\
process_map:
  actors: [Requester, Approver]
  before:
    - {name: Ask, actor: Requester, touch_hours: 0.5}
    - {name: Approve, actor: Approver, kind: approval, touch_hours: 0.1, wait_hours: -2}
    - {name: Grant, actor: Somebody, system: IAM, touch_hours: 1}
  after:
    - {name: Ask, actor: Requester, touch_hours: 0.5}
"""
)


def test_a_process_map_is_checked_at_its_lines(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(
        register_root,
        "CSI-0002",
        MAPPED.replace("actors: [Requester, Approver]", "actors: [Requester, Approver, Requester]"),
    )
    result = run_csi(register_root, "validate", "--format", "text")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "register/CSI-0002.yaml:10:74: process_map.before[1].wait_hours: must be greater than "
        "or equal to 0",
    ]
    write_record(
        register_root,
        "CSI-0002",
        MAPPED.replace("wait_hours: -2", "wait_hours: 2").replace(
            "actors: [Requester, Approver]", "actors: [Requester, Approver, Requester]"
        ),
    )
    lines = run_csi(register_root, "validate", "--format", "text").stdout.splitlines()
    assert lines == [
        "register/CSI-0002.yaml:7:33: process_map.actors[2]: lists 'Requester' twice",
        "register/CSI-0002.yaml:11:21: process_map.before[2].actor: 'Somebody' is not one of "
        "the map's actors (Approver, Requester)",
    ]
    only_after = MAPPED.replace("wait_hours: -2", "wait_hours: 2").split("  before:")[0]
    only_after += "  after:\n    - {name: Ask, actor: Requester}\n"
    write_record(register_root, "CSI-0002", only_after)
    lines = run_csi(register_root, "validate", "--format", "text").stdout.splitlines()
    assert lines == [
        "register/CSI-0002.yaml:8:3: process_map.after: an `after` map needs the `before` map "
        "it is compared with"
    ]


def test_the_example_maps_count_what_the_workshop_found() -> None:
    """CSI-0005: six approvals and three systems, 40 minutes of work in 9.5 working days."""
    record = load_work_tree(PROJECT).records["CSI-0005"].record
    assert record.process_map is not None
    before, after = figures(record.process_map.before), figures(record.process_map.after)
    assert (before.steps, before.approvals, before.handoffs, before.systems) == (9, 6, 7, 3)
    assert before.lead_hours == 75.95 and round(before.lead_hours - before.wait_hours, 2) == 0.65
    assert (after.steps, after.approvals, after.handoffs) == (4, 2, 3)
    assert after.lead_hours == 14.3 and before.wait_share == 99.1


def test_a_direction_override_cannot_hide_in_a_root_cause(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    """Found by trying: 'gnp.exe' behind U+202E drew as 'exe.png' in the fishbone."""
    record = MINIMAL_RECORD.format(id="CSI-0002", title="Fewer approvals") + (
        'root_cause:\n  five_whys: ["Why? \\u202egnp.exe\\u202c"]\n'
        '  fishbone: {tools: ["RLO \\u2066x\\u2069"]}\n'
    )
    write_record(register_root, "CSI-0002", record)
    lines = run_csi(register_root, "validate", "--format", "text").stdout.splitlines()
    assert [line.split(": ", 1)[0].rsplit(" ", 1)[-1] for line in lines] == [
        "register/CSI-0002.yaml:7:15",
        "register/CSI-0002.yaml:8:22",
    ]
    assert all("must not be blank, nor hold direction overrides" in line for line in lines)
