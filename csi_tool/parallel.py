"""Run a pure function in a forked process while this one goes on, where that is safe.

The site's work after loading a large register splits into independent parts (placing
findings, rendering half of the record pages) that take a second or more each; on a
machine with a second core, a forked child does one while the parent does another. The
child inherits everything already loaded, so only its result crosses the pipe (pickled).

Forking is used only where it is safe and worth it: on Linux, with more than one core,
and with no other thread running (a fork copies only the calling thread, and any lock
another thread held stays locked forever in the child). Otherwise, or if the child fails
in any way, the function simply runs in this process: results never depend on the path.
"""

from __future__ import annotations

import functools
import mmap
import os
import pickle
import struct
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class _ForkedChild:
    """A forked child that writes into a pipe this process reads (no child where forking is
    unsafe: then `_reader` stays None and the work is done here)."""

    def __init__(self, send: Callable[[int], None]) -> None:
        self._pid: int | None = None
        self._reader: int | None = None
        if can_fork():
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: compute, send, and leave without any cleanup
                os.close(reader)
                send(writer)
            os.close(writer)
            self._pid, self._reader = pid, reader

    def __del__(self) -> None:
        # Never read: close the pipe (the child's write then fails and it exits) and reap
        # the child, so none is left behind in a long-running process.
        if self._reader is not None:
            os.close(self._reader)
        if self._pid is not None:  # a stream abandoned part way: its child's next write fails
            os.waitpid(self._pid, 0)


class Background(_ForkedChild, Generic[T]):
    """A function started in a forked child; `result()` waits for it."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        super().__init__(functools.partial(_send_and_exit, function))

    def result(self) -> T:
        """The function's value, from the child, or computed here if there is no child."""
        if self._reader is None or self._pid is None:
            return self._function()
        with os.fdopen(self._reader, "rb") as stream:
            try:  # read as it arrives: the whole payload is never held beside the objects
                value: T = pickle.load(stream)  # our own child, just forked
                received = True
            except Exception:  # noqa: BLE001 - a damaged or missing result: computed here
                stream.read()  # drained, so the child is never left blocked on its write
                received = False
        _, status = os.waitpid(self._pid, 0)
        self._reader = self._pid = None
        if received and os.waitstatus_to_exitcode(status) == 0:
            return value
        return self._function()


def can_fork() -> bool:
    """Whether a forked child may share the work here (see the module's docstring)."""
    return (
        sys.platform == "linux"
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and os.environ.get("CSI_NO_FORK") is None
    )


def _send_and_exit(function: Callable[[], object], writer: int) -> None:
    code = 1
    try:
        value = function()
        with os.fdopen(writer, "wb") as stream:  # written as pickled: never whole in memory
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        # No interpreter teardown, no atexit handlers, no flushing of the parent's buffers
        # (they were copied by the fork and would be written twice).
        os._exit(code)


class FromBothEnds(_ForkedChild, Generic[T]):
    """Items 0..count-1 made by this process from the first on and by a forked child from
    the last back, until they meet (see MeetInTheMiddle); iterating gives each item once, in
    order, whatever the split.

    For many large items (rendered pages) while this process has other work first: the
    child starts at once, and makes more if this one starts late. It writes each item into
    an unlinked temporary file, never held up by a pipe nobody reads yet, and sends where
    each lies when it is done, so neither process holds them all. An item the child did not
    make (it failed) is made here.
    """

    def __init__(self, count: int, make: Callable[[int], T]) -> None:
        self._count, self._make = count, make
        self._split = MeetInTheMiddle(count)
        self._spill = tempfile.TemporaryFile(prefix="csi-items-")  # noqa: SIM115 - see close
        work = functools.partial(_make_from_the_end, self._split, make, self._spill.fileno())
        super().__init__(work)

    def __iter__(self) -> Iterator[T]:
        if self._reader is None or self._pid is None:
            self._spill.close()
            yield from map(self._make, range(self._count))
            return
        index = 0
        while index < self._count and self._split.parent_takes(index):
            yield self._make(index)
            index += 1
        places = self._child_places()
        with self._spill:
            for later in range(index, self._count):
                yield self._from_child(later, places)

    def _child_places(self) -> dict[int, tuple[int, int]]:
        """Index → (offset, size) in the file of every item the child made (none if it failed
        before saying)."""
        assert self._reader is not None and self._pid is not None
        with os.fdopen(self._reader, "rb") as stream:
            self._reader = None
            table = stream.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if os.waitstatus_to_exitcode(status) != 0 or len(table) % _PLACE.size:
            return {}
        places, offset = {}, 0
        for item_index, size in _PLACE.iter_unpack(table):
            places[item_index] = (offset, size)
            offset += size
        return places

    def _from_child(self, index: int, places: dict[int, tuple[int, int]]) -> T:
        place = places.get(index)
        if place is not None:
            offset, size = place
            try:
                item: T = pickle.loads(os.pread(self._spill.fileno(), size, offset))
                return item
            except Exception:  # noqa: BLE001 - a damaged item is made here
                pass
        return self._make(index)

    def __del__(self) -> None:
        # never iterated, or not to the end (a build that failed first): the child stops at
        # its next item, and is reaped
        self._split.take_the_rest()
        self._spill.close()
        super().__del__()


_PLACE = struct.Struct("<QQ")  # an item's index and size, in the order written to the file


def _make_from_the_end(
    split: MeetInTheMiddle, make: Callable[[int], object], spill: int, writer: int
) -> None:
    code = 1
    try:
        table = bytearray()
        for index in split.child_items():
            data = pickle.dumps(make(index), protocol=pickle.HIGHEST_PROTOCOL)
            _write_all(spill, data)
            table += _PLACE.pack(index, len(data))
        _write_all(writer, bytes(table))
        code = 0
    finally:
        os._exit(code)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


class MeetInTheMiddle:
    """Items 0..count-1 shared by this process and a forked child without a lock: this one
    takes them from the start (`parent_takes`), the child from the end (`child_items`), until
    they meet. How far each got lives in memory both see, so neither waits for the other
    however their speeds differ. An item at the meeting point may be taken by both; none is
    taken by neither (each side takes a contiguous run and stops only where the other's run
    begins)."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._shared = mmap.mmap(-1, 8)  # anonymous: shared with a child forked after this
        self._marks = memoryview(self._shared).cast("i")  # aligned 4-byte stores: never torn
        self._marks[_PARENT_NEXT], self._marks[_CHILD_LOWEST] = 0, count

    def parent_takes(self, index: int) -> bool:
        """Whether this process takes item `index` (called in order: 0, 1, 2...); False once
        the child has taken it, and then for every later item."""
        if index >= self._marks[_CHILD_LOWEST]:
            return False
        self._marks[_PARENT_NEXT] = index + 1
        return True

    def take_the_rest(self) -> None:
        """This process takes every item left: the child stops at its next one."""
        self._marks[_PARENT_NEXT] = self._count

    def child_items(self) -> Iterator[int]:
        """The items the child takes: from the end down, until this process's run."""
        for index in range(self._count - 1, -1, -1):
            if index < self._marks[_PARENT_NEXT]:
                return
            self._marks[_CHILD_LOWEST] = index
            yield index


_PARENT_NEXT, _CHILD_LOWEST = 0, 1
