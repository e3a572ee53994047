"""Write a file whole or not at all: what a reader finds is the old file or the new one.

A command killed while it writes (power cut, `kill -9`, a full disk) must not leave half
a report where the last good one was: the bytes go to a sibling `.partial` file, are
flushed to the disk, and only then renamed over the target, which is atomic on POSIX.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def file_write_whole(path: Path, content: bytes) -> None:
    """Replace `path` with `content` atomically; on any error leave `path` as it was."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
