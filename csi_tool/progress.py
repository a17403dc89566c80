"""Progress for long work: shown on an interactive terminal, silent in CI logs and in JSON."""

from __future__ import annotations

import os
import sys
from typing import TextIO

# Below this many items the work is quick enough that progress would only flicker.
MINIMUM_ITEMS = 1000


class Progress:
    """A one-line counter on stderr (`reading records 2500/10000`), rewritten in place."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.total = total
        self.done = 0
        self.enabled = total >= MINIMUM_ITEMS and not _SILENT and wanted(self.stream)

    def advance(self) -> None:
        """One more item done; the line is redrawn every few hundred items."""
        self.done += 1
        if self.enabled and (self.done % 250 == 0 or self.done == self.total):
            self.stream.write(f"\r{self.label} {self.done}/{self.total}")
            self.stream.flush()

    def finish(self) -> None:
        """Clear the line so the command's own output starts clean."""
        if self.enabled:
            self.stream.write("\r" + " " * (len(self.label) + 24) + "\r")
            self.stream.flush()


def wanted(stream: TextIO) -> bool:
    """Progress only for a person at a terminal: never in CI, never when output is piped."""
    if (
        os.environ.get("CI")
        or os.environ.get("GITHUB_ACTIONS")
        or os.environ.get("CSI_NO_PROGRESS")
    ):
        return False
    return stream.isatty()


_SILENT = False


def silence(quiet: bool = True) -> None:
    """Turn progress off (machine-readable output is being written), or back on."""
    global _SILENT  # one switch for the whole command; the CLI resets it for each command
    _SILENT = quiet
