"""Check an evidence archive against its manifest, with nothing but Python's own library.

Kept apart from Haven's models so that `haven evidence verify` runs on any machine with
the archive, without a database or a configuration.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Problem:
    file: str
    message: str


def evidence_verify(path: Path) -> list[Problem]:
    """Return every way the archive differs from its manifest (empty when it matches)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [Problem(str(path), f"not a readable ZIP archive ({exc})")]
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            return [Problem(MANIFEST, "missing")]
        try:
            manifest = json.loads(archive.read(MANIFEST))
            listed: dict[str, str] = dict(manifest["files"])
        except (ValueError, KeyError, TypeError) as exc:
            return [Problem(MANIFEST, f"unreadable ({exc})")]
        problems = []
        for name, expected in sorted(listed.items()):
            if name not in names:
                problems.append(Problem(name, "missing"))
                continue
            try:
                actual = hashlib.sha256(archive.read(name)).hexdigest()
            except (zipfile.BadZipFile, OSError) as exc:  # a damaged member fails its CRC
                problems.append(Problem(name, f"unreadable ({exc})"))
                continue
            if actual != expected:
                problems.append(Problem(name, "changed: its SHA-256 does not match the manifest"))
        problems += [Problem(name, "not in the manifest")
                     for name in sorted(names - set(listed) - {MANIFEST})]
        return problems
