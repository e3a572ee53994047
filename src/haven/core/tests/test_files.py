"""file_write_whole: the old file or the new one, never half of either."""

from __future__ import annotations

import pytest

from haven.core.files import file_write_whole


def test_the_new_content_replaces_the_old(tmp_path):
    target = tmp_path / "sitrep.pdf"
    target.write_bytes(b"old report")
    file_write_whole(target, b"new report")
    assert target.read_bytes() == b"new report"
    assert [p.name for p in tmp_path.iterdir()] == ["sitrep.pdf"]


def test_a_write_that_fails_leaves_the_old_file_and_no_partial(tmp_path, monkeypatch):
    target = tmp_path / "sitrep.pdf"
    target.write_bytes(b"old report")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("haven.core.files.os.fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        file_write_whole(target, b"new report")
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["sitrep.pdf"]
