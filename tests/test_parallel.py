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


def test_a_stream_arrives_in_order_from_a_child() -> None:
    code = """
import os
from csi_tool.parallel import BackgroundStream
parent = os.getpid()
def make(start):
    return ((n, os.getpid() != parent) for n in range(start, 2000))
items = list(BackgroundStream(make))
assert [n for n, _ in items] == list(range(2000)), items[:5]
print("child" if all(in_child for _, in_child in items) else "here")
"""
    assert _python(code) == "child"
    assert _python(code, CSI_NO_FORK="1") == "here"


def test_a_stream_cut_short_by_the_child_is_finished_here_from_where_it_stopped() -> None:
    code = """
import os
from csi_tool.parallel import BackgroundStream
parent = os.getpid()
def make(start):
    for n in range(start, 1000):
        if n == 600 and os.getpid() != parent:
            os._exit(9)  # the child dies half way, after sending 600 items
        yield n, os.getpid() != parent
items = list(BackgroundStream(make))
assert [n for n, _ in items] == list(range(1000)), [n for n, _ in items][595:605]
print(sum(in_child for _, in_child in items))
"""
    # what the child had sent (some of its 600, the rest still in its buffer) came from it;
    # every other item was made here, each exactly once, in order
    assert 0 < int(_python(code)) <= 600


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
