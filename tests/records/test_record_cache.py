"""The record cache: a record read back equals the one read from YAML, and is never stale."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.caches.records import RecordCache
from csi_tool.errors import YamlError
from csi_tool.git.revisions import GitRevision
from csi_tool.git.sources import WorkTree
from csi_tool.policies.loading import DEFAULT_MAX_BYTES
from csi_tool.records.register import Register, load_register, load_work_tree
from tests.conftest import MINIMAL_RECORD, git, write_record


def _kept_entries(cache: Path) -> int:
    with sqlite3.connect(cache / "records-v2.sqlite") as connection:
        count: int = connection.execute("SELECT count(*) FROM kept").fetchone()[0]
    return count


def _same(first: Register, second: Register) -> None:
    assert first.findings == second.findings
    assert first.unreadable == second.unreadable
    assert list(first.records) == list(second.records)
    for record_id, item in first.records.items():
        again = second.records[record_id]
        # repr shows types too: 14 and 14.0, a date and its text, would differ there
        assert repr(again.record) == repr(item.record), record_id
        assert again.document.text == item.document.text
        assert again.document.keys == item.document.keys


def test_every_example_reads_back_from_the_cache_as_it_was_read_from_yaml(
    example_root: Path, tmp_path: Path
) -> None:
    fresh = load_work_tree(example_root)
    cache = tmp_path / "csi-cache"
    assert _kept_entries(cache) == len(fresh.records)  # written outside the repository
    assert not list(example_root.rglob("*.sqlite"))
    source = WorkTree(example_root)
    found = RecordCache.open(DEFAULT_MAX_BYTES)
    assert found is not None
    assert len(found.find(source.fingerprints("register"))) == len(fresh.records)
    _same(fresh, load_work_tree(example_root))


def test_a_files_own_findings_come_back_with_it(
    register_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSI_TODAY", "2026-03-01")
    later = MINIMAL_RECORD.format(id="CSI-0002", title="Created after today")
    write_record(register_root, "CSI-0002", later.replace("2026-01-05", "2026-06-01"))
    first = load_work_tree(register_root)
    assert any("future" in finding.message for finding in first.findings)
    _same(first, load_work_tree(register_root))


def test_a_changed_byte_is_read_again_even_at_the_same_size_and_time(
    register_root: Path,
) -> None:
    path = register_root / "register" / "CSI-0001.yaml"
    before = path.stat()
    assert load_work_tree(register_root).records["CSI-0001"].record.title == "First record"
    path.write_text(path.read_text().replace("First record", "First recorD"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_work_tree(register_root).records["CSI-0001"].record.title == "First recorD"


def test_another_day_or_another_size_limit_is_another_entry(
    register_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSI_TODAY", "2026-03-01")
    load_work_tree(register_root)
    monkeypatch.setenv("CSI_TODAY", "2026-03-02")
    source = WorkTree(register_root)
    tomorrow = RecordCache.open(DEFAULT_MAX_BYTES)
    assert tomorrow is not None
    assert tomorrow.find(source.fingerprints("register")) == {}  # "in the future" moved
    load_work_tree(register_root)
    assert _kept_entries(tmp_path / "csi-cache") == 1  # yesterday's entries were dropped
    smaller = RecordCache.open(100)
    assert smaller is not None
    assert smaller.find(source.fingerprints("register")) == {}


def test_records_at_a_git_revision_are_kept_by_their_blob_ids(register_root: Path) -> None:
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "r"]):
        subprocess.run(command, cwd=register_root, check=True)
    at_head = load_register(GitRevision(register_root, "HEAD"))
    # the work tree holds the same bytes: the same blob id finds the entry git's read left
    found = RecordCache.open(DEFAULT_MAX_BYTES)
    assert found is not None
    assert set(found.find(WorkTree(register_root).fingerprints("register"))) == {
        "register/CSI-0001.yaml"
    }
    _same(at_head, load_register(GitRevision(register_root, "HEAD")))


@pytest.mark.parametrize("damage", ["garbage", "wrong table", "a file for a folder"])
def test_a_damaged_or_unusable_cache_is_not_used_and_nothing_is_refused(
    register_root: Path,
    tmp_path: Path,
    run_csi: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
) -> None:
    cache = tmp_path / "damaged-cache"
    if damage == "a file for a folder":
        cache.write_text("not a folder")
    else:
        cache.mkdir()
        database = cache / "records-v2.sqlite"
        if damage == "garbage":
            database.write_bytes(b"\x00garbage" * 512)
        else:
            with sqlite3.connect(database) as connection:
                connection.execute("CREATE TABLE kept (key TEXT PRIMARY KEY, other TEXT)")
    monkeypatch.setenv("CSI_CACHE_DIR", str(cache))
    for command in (["prioritize"], ["review"], ["validate"]):
        result = run_csi(register_root, *command)
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output


def test_an_invalid_record_is_never_kept_and_stays_refused(
    register_root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(register_root, "CSI-0002", MINIMAL_RECORD.format(id="CSI-0002", title=""))
    for _ in range(2):
        result = run_csi(register_root, "review")  # reads the register, not validate's cache
        assert "register/CSI-0002.yaml" in result.output
        result = run_csi(register_root, "validate", "--format", "text")
        assert result.exit_code == 1
        assert "register/CSI-0002.yaml:3:1: title: must not be empty" in result.output
    assert _kept_entries(tmp_path / "csi-cache") == 1  # only CSI-0001


def test_a_kept_record_holds_no_text_and_reads_it_again_for_a_findings_line(
    register_root: Path,
) -> None:
    text = MINIMAL_RECORD.format(id="CSI-0002", title="Depends on a missing record")
    write_record(register_root, "CSI-0002", text + "depends_on: [CSI-0099]\n")
    first = load_work_tree(register_root)  # read from YAML: the finding is placed on line 6
    # read the slow way, a valid record is held as one from the cache: no text either
    assert first.records["CSI-0001"].document._text is None
    again = load_work_tree(register_root)
    assert again.records["CSI-0001"].document._text is None  # no finding: never read again
    assert again.findings == first.findings  # placed by reading CSI-0002 again
    assert [f.location() for f in again.findings] == ["register/CSI-0002.yaml:6:14"]


def test_a_file_changed_between_reading_and_placing_a_finding_is_said(
    register_root: Path,
) -> None:
    load_work_tree(register_root)
    kept = load_work_tree(register_root).records["CSI-0001"].document
    path = register_root / "register" / "CSI-0001.yaml"
    path.write_text(path.read_text().replace("First record", "Changed meanwhile"))
    with pytest.raises(YamlError) as error:
        kept.locate(("title",))
    assert error.value.findings[0].message.startswith("the file changed while csi was reading")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("record", '{"id":"CSI-0001"}'),
        ("record", "not json"),
        ("record", b"\x00\xff"),
        ("findings", '[["register/CSI-0001.yaml","x",1,"","m","invalid"]]'),
        ("findings", "[1, 2]"),
    ],
)
def test_a_damaged_entry_is_read_the_slow_way_never_trusted_or_fatal(
    register_root: Path,
    tmp_path: Path,
    run_csi: Callable[..., Result],
    column: str,
    value: str | bytes,
) -> None:
    fresh = run_csi(register_root, "review")
    with sqlite3.connect(tmp_path / "csi-cache" / "records-v2.sqlite") as connection:
        connection.execute(f"UPDATE kept SET {column} = ?", (value,))
    damaged = run_csi(register_root, "review")
    assert damaged.exit_code == fresh.exit_code, damaged.output
    assert damaged.output == fresh.output


def test_many_findings_in_one_file_are_placed_in_linear_time(register_root: Path) -> None:
    def unknown_keys(count: int) -> str:
        return MINIMAL_RECORD.format(id="CSI-0002", title="t") + "".join(
            f"unknown_{n}: 1\n" for n in range(count)
        )

    timings = []
    for count in (1000, 8000):
        write_record(register_root, "CSI-0002", unknown_keys(count))
        started = time.perf_counter()
        register = load_work_tree(register_root)
        timings.append((time.perf_counter() - started) / count)
        assert len([f for f in register.findings if f.path.endswith("0002.yaml")]) >= count
    assert timings[1] < 4 * timings[0]  # quadratic was 8× per finding at 8× the findings


_SHARED_READ = """
import dataclasses, json, sys
from pathlib import Path
import csi_tool.records.reading as reading
from csi_tool.records.register import load_work_tree
reading._SHARED_FROM = 2  # a small register shares its reading too
joined = []
join = reading.CachedReader._join_helper
reading.CachedReader._join_helper = lambda self: joined.append(1) or join(self)
register = load_work_tree(Path(sys.argv[1]))
print(json.dumps({
    "records": {rid: item.record.model_dump(mode="json") for rid, item in register.records.items()},
    "keys": {rid: item.document.keys for rid, item in register.records.items()},
    "findings": [dataclasses.astuple(finding) for finding in register.findings],
    "unreadable": register.unreadable,
    "joined": bool(joined),
}))
"""


def test_a_register_read_by_two_processes_equals_one_read_by_one(tmp_path: Path) -> None:
    """A forked child reads files the cache lacks from the end while csi reads from the
    start: the records, findings and refusals are those of a reading in one process,
    whichever files each took (an invalid file and an outdated one among them)."""
    from benchmarks.generate_register import generate_register
    from tests.records.test_migration import V1_FLOW

    root = generate_register(tmp_path / "repo", 60)
    register = root / "register"
    (register / "CSI-00058.yaml").write_text("schema_version: 2\nid: CSI-00058\ntitle: [\n")
    (register / "CSI-00059.yaml").write_text(V1_FLOW.replace("CSI-0003", "CSI-00059"))
    text = (register / "CSI-00057.yaml").read_text()
    (register / "CSI-00057.yaml").write_text(text.replace("status:", "status: nope\nx:", 1))

    def read(cache: str, **env: str) -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-c", _SHARED_READ, str(root)],
            env={**os.environ, "CSI_CACHE_DIR": str(tmp_path / cache), **env},
            capture_output=True,
            text=True,
            check=True,
        )
        result: dict[str, object] = json.loads(done.stdout)
        return result

    alone = read("alone", CSI_NO_FORK="1")
    shared = read("shared")
    assert shared.pop("joined") and not alone.pop("joined")  # the child took a share
    assert alone["unreadable"] == ["register/CSI-00057.yaml", "register/CSI-00058.yaml"]
    assert len(alone["records"]) == 58  # type: ignore[arg-type]
    assert shared == alone
    again = read("shared")  # from the cache, but for the three files it never keeps
    again.pop("joined")
    assert again == alone


def test_files_on_disk_unchanged_since_the_last_command_are_not_read_again(
    register_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their stamps (size, times, inode) give their blob ids; a file whose stamp is new is
    hashed, so a changed byte at the same size and modification time is still seen (the
    change time moves, and cannot be set back)."""
    import csi_tool.git.sources as sources
    from csi_tool.records.reading import CachedReader

    monkeypatch.setattr(sources, "_SETTLED_NS", 0)  # every file counts as settled at once
    path = register_root / "register" / "CSI-0001.yaml"
    load_work_tree(register_root)
    again = WorkTree(register_root)
    reader = CachedReader(again, ["register/CSI-0001.yaml"], DEFAULT_MAX_BYTES)
    assert reader.kept("register/CSI-0001.yaml")
    assert again._read == {}  # its id came from its stamp: no byte of it was read
    before = path.stat()
    time.sleep(0.01)
    path.write_text(path.read_text().replace("First record", "First recorD"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert load_work_tree(register_root).records["CSI-0001"].record.title == "First recorD"


def test_a_file_changed_moments_ago_gets_no_stamp(register_root: Path) -> None:
    """Within a clock tick, a file could change again and keep its stamp (git's racy rule):
    files changed in the last two seconds are always hashed."""
    assert WorkTree(register_root).stamps("register") == {}
    old = time.time() - 3600
    path = register_root / "register" / "CSI-0001.yaml"
    os.utime(path, (old, old))  # the modification time alone does not settle it
    assert WorkTree(register_root).stamps("register") == {}


def _checked_entries(cache: Path) -> int:
    with sqlite3.connect(cache / "records-v2.sqlite") as connection:
        count: int = connection.execute("SELECT count(*) FROM checked").fetchone()[0]
    return count


def _messages(register: Register) -> list[str]:
    return [f"{f.path}:{f.line} {f.message}" for f in register.findings]


def test_the_register_wide_findings_are_kept_and_follow_every_policy_and_record_file(
    register_root: Path, tmp_path: Path
) -> None:
    depending = MINIMAL_RECORD.format(id="CSI-0002", title="Second") + "depends_on: [CSI-0003]\n"
    write_record(register_root, "CSI-0002", depending)
    missing = ["register/CSI-0002.yaml:6 depends on CSI-0003, which is not in the register"]
    assert _messages(load_work_tree(register_root)) == missing
    assert _checked_entries(tmp_path / "csi-cache") == 1
    assert _messages(load_work_tree(register_root)) == missing  # kept: no second entry
    assert _checked_entries(tmp_path / "csi-cache") == 1

    # a record added: the dependency is met
    write_record(register_root, "CSI-0003", MINIMAL_RECORD.format(id="CSI-0003", title="Third"))
    assert _messages(load_work_tree(register_root)) == []
    # a policy changed: logged records now need an owner (the records themselves did not change)
    workflow = register_root / "policies" / "workflow.yaml"
    text = workflow.read_text(encoding="utf-8")
    logged = "    description: An opportunity has been noted; nobody has looked at it yet.\n"
    workflow.write_text(text.replace(logged, logged + "    requires: [owner]\n"), encoding="utf-8")
    assert len(_messages(load_work_tree(register_root))) == 3
    assert all("logged needs an owner" in m for m in _messages(load_work_tree(register_root)))
    # and back: the earlier entry serves again
    workflow.write_text(text, encoding="utf-8")
    assert _messages(load_work_tree(register_root)) == []
    assert _checked_entries(tmp_path / "csi-cache") == 3


def test_damaged_register_wide_findings_are_checked_again(
    register_root: Path, tmp_path: Path
) -> None:
    write_record(
        register_root,
        "CSI-0002",
        MINIMAL_RECORD.format(id="CSI-0002", title="Second") + "depends_on: [CSI-0003]\n",
    )
    fresh = _messages(load_work_tree(register_root))
    for damage in ("[[1, 2]]", "not json", '[["x", 0, 1, "", "m", "c"]]'):
        with sqlite3.connect(tmp_path / "csi-cache" / "records-v2.sqlite") as connection:
            connection.execute("UPDATE checked SET findings = ?", (damage,))
        assert _messages(load_work_tree(register_root)) == fresh, damage


def test_validate_checks_an_edited_register_again(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    """`csi validate` reads every file once and hands each over as it is read: the kept
    register-wide findings must be keyed by the files as they were, not by what is left."""
    assert run_csi(register_root, "validate").exit_code == 0
    record = MINIMAL_RECORD.format(id="CSI-0001", title="First record") + "depends_on: [CSI-0009]\n"
    write_record(register_root, "CSI-0001", record)
    result = run_csi(register_root, "validate", "--format", "text")
    assert result.exit_code == 1
    assert "depends on CSI-0009, which is not in the register" in result.stdout


def _as_link_in_git(root: Path, path: str) -> str:
    """Commit `path` as a symbolic link whose target is the file's own text: the same blob
    id as the file (git can store this; a checkout would make a link). The commit's sha."""
    blob = git(root, "rev-parse", f"HEAD:{path}").strip()
    git(root, "update-index", "--cacheinfo", f"120000,{blob},{path}")
    git(root, "commit", "-qm", f"{path} as a link")
    return git(root, "rev-parse", "HEAD").strip()


def test_a_link_in_git_is_never_taken_for_the_file_whose_text_is_its_target(
    register_root: Path,
) -> None:
    """A link with a file's text as its target has that file's blob id. Read first, a link
    among the policies (the policies refused, few checks run) kept its findings for the
    file; a linked record was taken from the cache as the record."""
    write_record(register_root, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="One"))
    unknown = MINIMAL_RECORD.format(id="CSI-0002", title="Two").replace("logged", "bogus")
    write_record(register_root, "CSI-0002", unknown)
    git(register_root, "init", "-q")
    git(register_root, "add", "-A")
    git(register_root, "commit", "-qm", "regular")
    regular = git(register_root, "rev-parse", "HEAD").strip()
    missing = "unknown status 'bogus'; the workflow has: "  # a check only policies make
    linked_policy = _as_link_in_git(register_root, "policies/review.yaml")
    at_link = load_register(GitRevision(register_root, linked_policy), require_policies=False)
    assert at_link.policies is None
    at_file = load_register(GitRevision(register_root, regular))
    assert [f.message.startswith(missing) for f in at_file.findings] == [True]

    git(register_root, "reset", "-q", "--hard", regular)
    linked_record = _as_link_in_git(register_root, "register/CSI-0001.yaml")
    at_link = load_register(GitRevision(register_root, linked_record))
    assert "CSI-0001" not in at_link.records
    assert ("register/CSI-0001.yaml", "a symbolic link: csi reads only plain files") in [
        (f.path, f.message) for f in at_link.findings
    ]
