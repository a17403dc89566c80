"""Where `csi init` tells CI to install csi from: a commit or hashes, never a squattable name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.errors import ConfigError
from csi_tool.git.repo import CheckoutIdentity, checkout_identity
from csi_tool.scaffold.install_source import DISTRIBUTION, install_source, pinned_requirement
from tests.conftest import PINNED_SOURCE, git, tree_digest

COMMIT = "0123456789abcdef0123456789abcdef01234567"
HASH = "sha256:" + "ab" * 32


def test_a_git_install_is_pinned_at_its_commit() -> None:
    direct = {
        "url": "https://github.com/acme/csi.git",
        "vcs_info": {"vcs": "git", "commit_id": COMMIT},
    }
    assert pinned_requirement(direct, None) == (
        f"{DISTRIBUTION} @ git+https://github.com/acme/csi.git@{COMMIT}"
    )


def test_an_index_install_cannot_be_pinned_without_a_hash() -> None:
    with pytest.raises(ConfigError, match=r"package index, without a hash.*--install-source"):
        pinned_requirement(None, None)


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (
            CheckoutIdentity(COMMIT, "git@github.com:acme/csi.git", True, True),
            f"{DISTRIBUTION} @ git+ssh://git@github.com/acme/csi.git@{COMMIT}",
        ),
        (
            CheckoutIdentity(COMMIT, "https://github.com/acme/csi", True, True),
            f"{DISTRIBUTION} @ git+https://github.com/acme/csi@{COMMIT}",
        ),
        (CheckoutIdentity(COMMIT, "https://github.com/acme/csi", False, True), "uncommitted"),
        (CheckoutIdentity(COMMIT, None, True, True), "no `origin` remote"),
        (CheckoutIdentity(COMMIT, "https://github.com/acme/csi", True, False), "on no remote"),
        (CheckoutIdentity(COMMIT, "/srv/git/csi", True, True), "not an https or ssh URL"),
        (CheckoutIdentity(COMMIT, "file:///srv/git/csi", True, True), "not an https or ssh"),
    ],
)
def test_a_checkout_is_pinned_only_when_ci_could_fetch_that_commit(
    identity: CheckoutIdentity, expected: str
) -> None:
    direct = {"url": "file:///src/csi", "dir_info": {"editable": True}}
    if expected.startswith(DISTRIBUTION):
        assert pinned_requirement(direct, identity) == expected
    else:
        with pytest.raises(ConfigError, match=expected):
            pinned_requirement(direct, identity)


def test_a_real_checkout_says_what_names_its_code(tmp_path: Path) -> None:
    repo = tmp_path / "csi"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "pyproject.toml").write_text("[project]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "csi")
    head = git(repo, "rev-parse", "HEAD").strip()
    assert checkout_identity(repo) == CheckoutIdentity(head, None, True, False)
    git(repo, "remote", "add", "origin", "https://git.example.invalid/acme/csi.git")
    git(repo, "update-ref", "refs/remotes/origin/main", head)  # as after a push
    assert checkout_identity(repo) == CheckoutIdentity(
        head, "https://git.example.invalid/acme/csi.git", True, True
    )
    (repo / "pyproject.toml").write_text("[project]\nname = 'changed'\n")
    identity = checkout_identity(repo)
    assert identity is not None and not identity.clean
    assert checkout_identity(tmp_path / "elsewhere") is None


def test_a_hashed_requirements_file_is_taken_as_it_is(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(
        f"{DISTRIBUTION}==0.1.0 \\\n    --hash={HASH}\n"
        f"pydantic==2.9.2 --hash={HASH} --hash={HASH}  # via csi\n"
    )
    source = install_source(str(locked))
    assert source.text == locked.read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{DISTRIBUTION}==0.1.0\n", "pinned with == and hashed"),
        (f"{DISTRIBUTION}>=0.1 --hash={HASH}\n", "pinned with == and hashed"),
        (f"{DISTRIBUTION}==0.1.0 --hash={HASH}\npydantic\n", "not: 'pydantic'"),
        (f"pydantic==2.9.2 --hash={HASH}\n", "does not install"),
    ],
)
def test_an_unhashed_or_unpinned_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    loose = tmp_path / "loose.txt"
    loose.write_text(text)
    with pytest.raises(ConfigError, match=message):
        install_source(str(loose))


@pytest.mark.parametrize(
    "option",
    [
        f"{DISTRIBUTION}==0.1.0",  # a name alone: whoever owns it on the index
        f"{DISTRIBUTION}==0.1.0 --hash={HASH}",  # pip would then demand every dependency hashed
        f"{DISTRIBUTION} @ git+https://github.com/acme/csi.git@v0.1.0",  # a tag can move
        f"{DISTRIBUTION} @ git+https://github.com/acme/csi.git@{COMMIT[:12]}",
    ],
)
def test_install_sources_that_could_be_swapped_are_refused(option: str) -> None:
    with pytest.raises(ConfigError, match="neither a file nor a pinned git URL"):
        install_source(option)


def test_init_writes_the_pinned_source(tmp_path: Path, run_csi: Callable[..., Result]) -> None:
    result = run_csi(tmp_path, "init", str(tmp_path / "repo"), "--install-source", PINNED_SOURCE)
    assert result.exit_code == 0, result.output
    written = (tmp_path / "repo" / ".github" / "csi-requirements.txt").read_text()
    assert written.splitlines()[-1] == PINNED_SOURCE
    assert f"CI installs csi as: {PINNED_SOURCE}" in result.stderr


def test_init_writes_nothing_when_it_cannot_name_a_safe_source(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """This checkout has no remote a runner could reach (a clean clone's origin is a path)."""
    repo = tmp_path / "repo"
    result = run_csi(tmp_path, "init", str(repo))
    assert result.exit_code == 2, result.output
    assert "--install-source" in result.stderr
    assert not repo.exists() or tree_digest(repo) == {}


def test_an_existing_requirements_file_is_kept_and_needs_no_source(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    repo = tmp_path / "repo"
    (repo / ".github").mkdir(parents=True)
    (repo / ".github" / "csi-requirements.txt").write_text("# ours\n")
    result = run_csi(tmp_path, "init", str(repo))
    assert result.exit_code == 0, result.output
    assert "skipped .github/csi-requirements.txt (exists)" not in result.stdout  # never asked
    assert (repo / ".github" / "csi-requirements.txt").read_text() == "# ours\n"
