"""Where CI installs csi from: a source nobody can swap, or no file at all.

`.github/csi-requirements.txt` decides what code runs in every job of an adopter's CI,
including the one that publishes the site. A bare `name==version` trusts whoever controls
that name on the package index; so csi writes only what cannot be swapped:

- the git URL at a full commit id, when csi runs from a git checkout (clean, with an
  `origin` remote that a runner can reach, the commit on a remote branch) or was installed
  from one (pip's `direct_url.json` names the commit);
- a requirements file given with `--install-source` in which every requirement is pinned
  (`==`) and hashed (`--hash=sha256:…`), as `pip-compile --generate-hashes` writes it
  (pip checks every dependency once one is hashed, so a lone hashed line would not install).

Installed from a package index, csi cannot know the hash of the file it came from without a
download, so it asks for one of the above instead of guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from csi_tool.errors import ConfigError
from csi_tool.git.repo import CheckoutIdentity, checkout_identity

DISTRIBUTION = "csi-improvement-register"
_SHA = re.compile(r"^[0-9a-f]{40}$")
_GIT_PIN = re.compile(rf"^{re.escape(DISTRIBUTION)} @ git\+(https|ssh)://\S+@[0-9a-f]{{40}}$")
_HASHED = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==\S+(\s+--hash=sha256:[0-9a-f]{64})+$"
)
_SCP_LIKE = re.compile(r"^(?P<user>[\w.-]+)@(?P<host>[\w.-]+):(?P<path>[^/].*)$")
HOW_TO_PIN = (
    "pass --install-source with either a git URL at a full commit "
    f"('{DISTRIBUTION} @ git+https://…/csi.git@<40-hex commit>') or a requirements file "
    "in which every requirement is pinned and hashed (`pip-compile --generate-hashes`)"
)


@dataclass(frozen=True)
class InstallSource:
    """The text of .github/csi-requirements.txt, and one line saying what it pins."""

    text: str
    pins: str


def install_source(option: str | None) -> InstallSource:
    """From `--install-source` when given, else from how this csi was installed."""
    if option is not None:
        return _from_option(option)
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as e:
        raise ConfigError(f"csi is not installed as {DISTRIBUTION}; {HOW_TO_PIN}") from e
    direct = json.loads(distribution.read_text("direct_url.json") or "null")
    return _file(pinned_requirement(direct, _checkout_of(direct)), "how this csi was installed")


def pinned_requirement(direct_url: dict[str, Any] | None, checkout: CheckoutIdentity | None) -> str:
    """The git URL at the commit csi was installed from; ConfigError when it cannot be told."""
    if direct_url is None:
        raise ConfigError(f"csi was installed from a package index, without a hash; {HOW_TO_PIN}")
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        commit = str(vcs.get("commit_id", ""))
        return _git_pin(str(direct_url.get("url", "")).removeprefix("git+"), commit)
    if checkout is None:
        raise ConfigError(
            f"csi was installed from {direct_url.get('url')!r}, which is not a git checkout; "
            + HOW_TO_PIN
        )
    if not checkout.clean:
        raise ConfigError(
            "csi runs from a git checkout with uncommitted changes, so no commit names the "
            f"code; commit and push it, or {HOW_TO_PIN}"
        )
    if checkout.remote_url is None:
        raise ConfigError(f"csi's git checkout has no `origin` remote; {HOW_TO_PIN}")
    if not checkout.published:
        raise ConfigError(
            f"commit {checkout.head[:12]} of csi's checkout is on no remote branch, so CI could "
            f"not fetch it; push it, or {HOW_TO_PIN}"
        )
    return _git_pin(checkout.remote_url, checkout.head)


def _git_pin(url: str, commit: str) -> str:
    scp = _SCP_LIKE.match(url)
    if scp:  # git@github.com:org/csi.git, as `git clone` accepts it
        url = f"ssh://{scp['user']}@{scp['host']}/{scp['path']}"
    if urlparse(url).scheme not in ("https", "ssh") or not _SHA.match(commit):
        raise ConfigError(
            f"csi's source {url!r} at {commit!r} is not an https or ssh URL at a full commit "
            f"id that a CI runner could fetch; {HOW_TO_PIN}"
        )
    return f"{DISTRIBUTION} @ git+{url}@{commit}"


def _checkout_of(direct_url: dict[str, Any] | None) -> CheckoutIdentity | None:
    if direct_url is None or "dir_info" not in direct_url:
        return None
    url = urlparse(str(direct_url.get("url", "")))
    return checkout_identity(Path(unquote(url.path))) if url.scheme == "file" else None


def _from_option(option: str) -> InstallSource:
    path = Path(option)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        problems = _unpinned_lines(text)
        if problems:
            raise ConfigError(
                f"{option}: every requirement must be pinned with == and hashed with "
                f"--hash=sha256:…; not: {problems[0]!r}"
            )
        if not re.search(rf"^{re.escape(DISTRIBUTION)}==", text, re.MULTILINE):
            raise ConfigError(f"{option}: it does not install {DISTRIBUTION}")
        return InstallSource(
            text if text.endswith("\n") else text + "\n", f"the hashes in {option}"
        )
    if not _GIT_PIN.match(option.strip()):
        raise ConfigError(
            f"--install-source {option!r} is neither a file nor a pinned git URL; {HOW_TO_PIN}"
        )
    return _file(option.strip(), "--install-source")


def _unpinned_lines(text: str) -> list[str]:
    logical = re.sub(r"\\\n", " ", text)  # pip joins lines ending in a backslash
    lines = [line.split(" #", 1)[0].strip() for line in logical.splitlines()]
    return [
        line
        for line in lines
        if line and not line.startswith("#") and not _HASHED.match(" ".join(line.split()))
    ]


def _file(requirement: str, origin: str) -> InstallSource:
    text = (
        "# How CI installs csi: a commit or hashes, never a name alone (whoever controls a\n"
        "# name on a package index would run code in every job). Written by `csi init` from\n"
        f"# {origin}; a change here is a governance change (policies/governance.yaml).\n"
        f"{requirement}\n"
    )
    return InstallSource(text, requirement)
