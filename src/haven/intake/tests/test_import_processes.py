"""A generator run in a child process: its items in order, its failure raised here."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from haven.intake.importing.processes import ReadingProcessError, in_child_process
from haven.intake.importing.reading import FileRefused


def numbered(count: int) -> Iterator[tuple[int, int]]:
    for n in range(count):
        yield n, os.getpid()


def test_items_arrive_in_order_from_another_process():
    items = list(in_child_process(lambda: numbered(500)))
    assert [n for n, _pid in items] == list(range(500))
    assert {pid for _n, pid in items} != {os.getpid()}


def failing() -> Iterator[int]:
    yield 1
    raise FileRefused("The file stops in the middle of a row.")


def test_a_failure_in_the_child_is_raised_in_the_parent_after_what_came_before():
    received = []
    with pytest.raises(FileRefused, match="stops in the middle"):
        received.extend(in_child_process(failing))
    assert received == [1]


def unpicklable() -> Iterator[int]:
    lock = threading.Lock()

    class OddError(Exception):
        def __init__(self) -> None:
            super().__init__("a lock inside")
            self.lock = lock

    yield 1
    raise OddError


def test_an_exception_that_cannot_cross_is_reported_by_name_and_text():
    with pytest.raises(ReadingProcessError, match="OddError: a lock inside"):
        list(in_child_process(unpicklable))


def test_a_consumer_that_stops_early_leaves_no_process_behind():
    before = _children()
    stream = in_child_process(lambda: numbered(100_000))
    next(stream)
    assert _children() - before, "the child is running"
    stream.close()  # the generator's finally: the child is joined or terminated
    assert not _children() - before


def _children() -> set[int]:
    return {int(p) for p in os.listdir("/proc") if p.isdigit()
            and _parent(int(p)) == os.getpid() and not _zombie(int(p))}


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
