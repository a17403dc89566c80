"""Background work in a forked process: same results whichever way it runs, nothing left over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.generate_register import generate_register
from tests.conftest import PROJECT


def _python(code: str, **env: str) -> str:
    """Run code in a fresh interpreter (one thread, as the csi command is)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


_WHERE = """
import os, threading
from csi_tool.parallel import Background
parent = os.getpid()
{setup}
job = Background(os.getpid)
print("child" if job.result() != parent else "here")
"""


def test_the_function_runs_in_a_child_where_forking_is_safe() -> None:
    assert _python(_WHERE.format(setup="")) == "child"


def test_it_runs_here_when_told_to_or_when_another_thread_runs() -> None:
    assert _python(_WHERE.format(setup=""), CSI_NO_FORK="1") == "here"
    thread = "stop = threading.Event(); threading.Thread(target=stop.wait, daemon=True).start()"
    assert _python(_WHERE.format(setup=thread)) == "here"


def test_a_failing_child_is_replaced_by_running_here() -> None:
    code = """
import os
from csi_tool.parallel import Background
parent = os.getpid()
def only_here():
    if os.getpid() != parent:
        raise RuntimeError("fails in the child")
    return "computed here"
print(Background(only_here).result())
"""
    assert _python(code) == "computed here"


def test_large_results_cross_the_pipe_whole() -> None:
    code = """
from csi_tool.parallel import Background
value = Background(lambda: ["x" * 1000 + str(i) for i in range(5000)]).result()
print(len(value), value[-1][-4:])
"""
    assert _python(code) == "5000 4999"


def test_an_abandoned_job_leaves_no_child_behind() -> None:
    code = """
import gc, os
from csi_tool.parallel import Background
job = Background(lambda: "x" * 1_000_000)  # larger than a pipe holds: the child blocks
del job
gc.collect()
try:
    os.waitpid(-1, os.WNOHANG)
    print("a child remains")
except ChildProcessError:
    print("none")
"""
    assert _python(code) == "none"


def test_a_site_built_in_two_processes_equals_one_built_in_one(tmp_path: Path) -> None:
    root = generate_register(tmp_path / "register", 2000)  # builder.PARALLEL_FROM
    csi = str(Path(sys.executable).parent / "csi")
    for out, env in (("forked", {}), ("single", {"CSI_NO_FORK": "1"})):
        subprocess.run(
            [csi, "site", "build", "--out", str(tmp_path / out), "--as-of", "2026-11-25"],
            cwd=root,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
    forked = sorted(p.relative_to(tmp_path / "forked") for p in (tmp_path / "forked").rglob("*"))
    single = sorted(p.relative_to(tmp_path / "single") for p in (tmp_path / "single").rglob("*"))
    assert forked == single and len(forked) > 2000
    for relative in forked:
        a, b = tmp_path / "forked" / relative, tmp_path / "single" / relative
        assert a.is_dir() or a.read_bytes() == b.read_bytes(), relative


_BOTH_ENDS = """
import os, time
from csi_tool.parallel import FromBothEnds
parent = os.getpid()
def make(n):
    {fail}
    time.sleep(0.001)
    return n, os.getpid() != parent, "x" * 20_000
items = FromBothEnds(1000, make)
{busy}
items = list(items)
assert [n for n, _, _ in items] == list(range(1000)), [n for n, _, _ in items][:5]
print(sum(in_child for _, in_child, _ in items))
"""


def test_items_made_from_both_ends_arrive_once_each_and_in_order() -> None:
    shared = int(_python(_BOTH_ENDS.format(fail="", busy="")))
    assert 0 < shared < 1000  # both made some
    assert _python(_BOTH_ENDS.format(fail="", busy=""), CSI_NO_FORK="1") == "0"


def test_a_child_busy_on_its_own_while_this_process_works_elsewhere_makes_more() -> None:
    """The child renders pages while this process builds the navigation and runs MkDocs:
    it is never held up by a pipe nobody reads yet (a pipe holds 64 KB, four pages), and it
    takes the larger share when this process starts late."""
    busy = "time.sleep(1.0)  # busy elsewhere"
    assert int(_python(_BOTH_ENDS.format(fail="", busy=busy))) > 500


def test_what_a_failed_child_did_not_make_is_made_here_once_in_order() -> None:
    fail = "if n == 700 and os.getpid() != parent: os._exit(9)  # dies part way"
    assert _python(_BOTH_ENDS.format(fail=fail, busy="time.sleep(0.3)")) == "0"


def test_items_never_asked_for_stop_the_child_at_once() -> None:
    code = """
import os, time
from csi_tool.parallel import FromBothEnds
items = FromBothEnds(100_000, lambda n: time.sleep(0.01) or n)
started = time.monotonic()
del items  # a build that failed before its record pages: the child stops and is reaped
print(time.monotonic() - started < 5)
"""
    assert _python(code) == "True"


_MEET = """
import os, time
from csi_tool.parallel import Background, MeetInTheMiddle
split = MeetInTheMiddle(400)
def child():
    taken = []
    for index in split.child_items():
        time.sleep({child_pause})
        taken.append(index)
    return taken
job = Background(child)
mine = []
for index in range(400):
    if not split.parent_takes(index):
        break
    time.sleep({parent_pause})
    mine.append(index)
theirs = job.result()
assert mine == list(range(len(mine))), mine  # a run from the start
assert theirs == list(range(399, 399 - len(theirs), -1)), theirs  # a run from the end
assert set(mine) | set(theirs) == set(range(400))  # none taken by neither
assert len(set(mine) & set(theirs)) <= 1  # at most the meeting item by both
print(len(mine), len(theirs))
"""


def test_two_processes_share_items_from_both_ends_whatever_their_speeds() -> None:
    for parent_pause, child_pause in ((0.0, 0.0), (0.002, 0.0), (0.0, 0.002)):
        code = _MEET.format(parent_pause=parent_pause, child_pause=child_pause)
        mine, theirs = map(int, _python(code).split())
        if parent_pause > child_pause:
            assert theirs > mine  # the faster side took more
        elif child_pause > parent_pause:
            assert mine > theirs
    # with no child, this process takes every item (the work is then done here)
    assert _python(_MEET.format(parent_pause=0, child_pause=0), CSI_NO_FORK="1") == "400 0"
