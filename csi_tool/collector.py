"""Python's cycle collector, tuned for a command that builds one large structure and exits.

A register of 10,000 records is about two million objects. With Python's defaults, every
700 allocations start a collection and the older generations are rescanned as the register
grows: at 10,000 records that was a third of loading it and most of placing 2,000 findings
on their lines. Records hold no reference cycles, so there is nothing in them to collect.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
from collections.abc import Iterator

_owns_process = False  # set by a csi command; never in a library caller or the test suite


def tune_for_command() -> None:
    """For the process of one csi command: collect rarely, and never at exit.

    Young cycles are still collected every 50,000 allocations. At exit, everything is frozen
    first: Python's final collection would otherwise scan the whole register once more just
    before the process ends (0.7 s at 10,000 records).
    """
    global _owns_process
    _owns_process = True
    gc.set_threshold(50_000, 1_000, 1_000)
    atexit.register(gc.freeze)


@contextlib.contextmanager
def acyclic_bulk() -> Iterator[None]:
    """Around building many objects that hold no cycles (records read from files).

    The collector is paused meanwhile. In a csi command, the objects are then frozen (moved
    out of the collector's sight; reference counting still frees them): otherwise the next
    collection would scan all of them once, 0.15 s at 10,000 records, to find nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _owns_process:
            gc.freeze()
        if enabled:
            gc.enable()
