"""The import report: one CSV line (row, column, problem) per problem of a refused row.

Lines stream to a file as they are found, so a report of a million lines needs no
memory; the first `keep` lines are also kept for the import job's page and download.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from haven.core.spreadsheets import csv_cells

HEADER = ("row", "column", "problem")
KEEP_LINES = 100_000


class ImportReport:
    def __init__(self, path: Path | None = None, *, always: bool = False,
                 keep: int = KEEP_LINES) -> None:
        """Write to `path` when given: at the first problem, or at once if `always`."""
        self.path = path
        self.count = 0
        self.keep = keep
        self._kept = io.StringIO()
        self._kept_writer = csv.writer(self._kept)
        self._kept_writer.writerow(HEADER)
        self._file: IO[str] | None = None
        self._file_writer: Any = None
        if always:
            self._open()

    def _open(self) -> None:
        if self.path is not None and self._file is None:
            # With a BOM, Excel reads the Armenian and Cyrillic in messages correctly.
            self._file = self.path.open("w", newline="", encoding="utf-8-sig")
            self._file_writer = csv.writer(self._file)
            self._file_writer.writerow(HEADER)

    def add(self, row: int, column: str, problem: str) -> None:
        # A column's name and a problem quote the file: neither may run as a formula.
        line = csv_cells((str(row) if row else "", column, problem))
        self.count += 1
        if self.count <= self.keep:
            self._kept_writer.writerow(line)
        if self.path is not None:
            self._open()
            self._file_writer.writerow(line)

    def text(self) -> str:
        """Return the kept lines as CSV text, saying how many more there were."""
        text = self._kept.getvalue()
        if self.count > self.keep:
            more = csv.writer(out := io.StringIO())
            message = _("... and %(n)d more problems: fix these and import the file "
                        "again") % {"n": self.count - self.keep}
            more.writerow(csv_cells(("", "", message)))
            text += out.getvalue()
        return text

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
