"""Run a generator in a child process and receive what it yields, in order.

An import spends about half its time reading and checking rows and half storing them;
on two cores a child can read and check the next batch while the parent stores the
last. Only the parent touches the database: the child gets, by fork, everything the
check needs (the site, the actor's sites) and must not open or use a connection —
SQLite connections do not survive a fork.

If the parent dies (SIGKILL mid-import), the child's next send fails on the closed
pipe and it exits; if the child fails, its exception is raised in the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

_END = "end"
_ITEM = "item"
_FAILED = "failed"


class ReadingProcessError(RuntimeError):
    """The child failed with an exception that could not be sent back as it was."""


def in_child_process(produce: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Yield what `produce()` yields, computed in a forked child, one item ahead."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(produce, reader, writer), daemon=True)
    child.start()
    writer.close()  # the child's end: EOF here once the child is gone
    try:
        while True:
            try:
                kind, value = reader.recv()
            except EOFError:
                raise ReadingProcessError(
                    f"the reading process ended without finishing (exit code "
                    f"{child.exitcode if not child.is_alive() else 'unknown'})") from None
            if kind == _END:
                return
            if kind == _FAILED:
                raise value
            yield value
    finally:
        reader.close()
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
            child.join()


def _run(produce: Callable[[], Iterator[Any]], reader: Connection, writer: Connection) -> None:
    reader.close()  # else the pipe stays open after the parent dies, and send blocks
    try:
        try:
            for item in produce():
                writer.send((_ITEM, item))
            writer.send((_END, None))
        except (BrokenPipeError, ConnectionResetError):
            return  # the parent is gone: nobody to read what follows
        except BaseException as exc:
            writer.send((_FAILED, _sendable(exc)))
    finally:
        writer.close()
        os._exit(0)  # no atexit handlers, no Django connection teardown in the child


def _sendable(exc: BaseException) -> BaseException:
    """Return `exc` if it survives pickling, else a plain error with its text."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own exception, this process
    except Exception:
        return ReadingProcessError(f"{type(exc).__name__}: {exc}")
    return exc
