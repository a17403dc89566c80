"""Protected paths: files outside the register whose change is a change to the rules.

A pull request that edits the workflows that run the gate, the requirements file CI installs
csi from, the site's MkDocs project (its `hooks:` run Python, its `overrides/` hold the
Content-Security-Policy) or the tool's own source rewrites what judges it. The governance
policy lists such paths; the gate treats a change there like a change to policies/.

Patterns follow the part of gitignore's syntax CODEOWNERS shares, relative to the register
root: `dir/` is everything under dir, `*` matches within one folder, `**` across folders.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence


@functools.cache
def _compile(pattern: str) -> re.Pattern[str]:
    body = pattern.removeprefix("/")
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", body.rstrip("/"))
    regex = "".join(
        {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
        for part in parts
    )
    # A folder pattern also matches the folder's own path: a symbolic link or a submodule put
    # where the folder belongs is a change to it (CODEOWNERS itself would not see it).
    return re.compile(f"{regex}(?:/.+)?")


def is_protected(path: str, patterns: Iterable[str]) -> bool:
    """Whether a register-root-relative path (or, with a leading `/`, a path elsewhere in the
    repository, relative to its top) matches any of the patterns."""
    return any(_compile(pattern).fullmatch(path.removeprefix("/")) for pattern in patterns)


def protected_changes(paths: Sequence[str], patterns: Sequence[str]) -> list[str]:
    """The changed paths that fall under a protected pattern."""
    return [path for path in paths if is_protected(path, patterns)]


def codeowners_pattern(pattern: str) -> str:
    """The same pattern anchored at the top, as CODEOWNERS reads it."""
    return "/" + pattern.removeprefix("/")
