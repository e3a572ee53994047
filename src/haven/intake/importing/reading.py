"""Open an import file safely and read it as rows of text cells.

Every check that can refuse a file runs before a row is parsed:

    file_check(path)      size; magic bytes (a ZIP for .xlsx and ODK Central's .zip, text
                          for .csv); for a ZIP its declared sizes, member count and
                          compression ratios (a zip bomb is refused before it is opened)
    table_open(path)      the encoding (BOM, else strict UTF-8 over the whole file, else
                          Windows-1251), the CSV delimiter, or the first XLSX sheet — or,
                          for a KoboToolbox workbook with a members sheet or an ODK
                          Central ZIP, the form's export (`submissions`); yields (row
                          number as a spreadsheet shows it, cells)

Row numbers count every record from the header (row 1), blank ones included, so a
report's "row 7" is the row a person sees as 7 in a spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from haven.core.errors import ValidationFailed

if TYPE_CHECKING:
    from haven.intake.importing.columns import Header

MIB = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)
_SAMPLE = 64 * 1024
_CHUNK = MIB
CSV_DELIMITERS = ",;\t"


@dataclass(frozen=True)
class Limits:
    """What an import file may be; checked before it is parsed. See docs/import.md."""

    max_bytes: int = 256 * MIB  # the file itself: about 2.5 million CSV rows
    max_unpacked_bytes: int = 1024 * MIB  # XLSX: the declared sizes of its members, summed
    max_ratio: int = 100  # XLSX: a member's declared size over its packed size
    max_zip_members: int = 1000
    # openpyxl holds the shared strings (each distinct text of the workbook) in memory.
    max_shared_strings_bytes: int = 128 * MIB
    max_columns: int = 100
    max_cell_chars: int = 1000


DEFAULT_LIMITS = Limits()


class FileRefused(ValidationFailed):
    """The file cannot be imported at all; `problems` are (row, column, problem) for a report."""

    def __init__(self, message: str, problems: list[tuple[int, str, str]] | None = None) -> None:
        super().__init__({"file": [message]}, message)
        self.problems = problems or [(0, "", message)]


@dataclass(frozen=True)
class FileKind:
    format: str  # "csv", "xlsx" or "central" (ODK Central's ZIP of CSV files)
    size: int


def file_check(path: Path, *, name: str = "", limits: Limits = DEFAULT_LIMITS) -> FileKind:
    """Refuse a file that is too large, is not what its name says, or is a zip bomb.

    `name` is the name the user gave the file (an upload's), when `path` is a copy.
    """
    name = name or path.name
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRefused(_("The file is %(size)s MB; the limit is %(limit)s MB. Split it "
                            "into smaller files: rows already imported are skipped.")
                          % {"size": _megabytes(size), "limit": _megabytes(limits.max_bytes)})
    if size == 0:
        raise FileRefused(_("The file is empty."))
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE)
    suffix = Path(name).suffix.lower()
    if head.startswith(OLE_MAGIC) or suffix == ".xls":
        raise FileRefused(_("This is an old Excel (.xls) file: save it as .xlsx or as CSV."))
    if suffix in {".xlsx", ".zip"} or (suffix not in {".csv", ".txt", ".tsv"}
                                       and head.startswith(ZIP_MAGIC)):
        if not head.startswith(ZIP_MAGIC) and suffix == ".zip":
            raise FileRefused(_("The file is named .zip but is not a ZIP archive. Download "
                                "the ODK Central export again."))
        if not head.startswith(ZIP_MAGIC):
            raise FileRefused(_("The file is named .xlsx but is not an Excel workbook "
                                "(an .xlsx file is a ZIP archive). Save it again as .xlsx "
                                "or as CSV."))
        return FileKind(_zip_check(path, limits), size)
    if head.startswith(ZIP_MAGIC):
        raise FileRefused(_("The file is named %(suffix)s but is a ZIP archive (an .xlsx "
                            "workbook?): name it .xlsx, or save it as CSV.")
                          % {"suffix": suffix or _("without an extension")})
    if _looks_binary(head):
        raise FileRefused(_("The file is not text: save it as CSV (UTF-8) or as .xlsx."))
    return FileKind("csv", size)


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f}"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head and _utf16_without_bom(head) is None


def _utf16_without_bom(head: bytes) -> str | None:
    """Return utf-16-le/be for UTF-16 text without a BOM, else None.

    ASCII characters (digits, separators, line ends) put a NUL in their high byte, so
    UTF-16 text has NULs on one side of each byte pair only, and decodes to printable
    text; a binary file has NULs on both sides, or decodes to control characters.
    """
    pairs = len(head) // 2
    even = head[0 : pairs * 2 : 2].count(0)
    odd = head[1 : pairs * 2 : 2].count(0)
    if bool(even) == bool(odd):
        return None
    encoding = "utf-16-le" if odd else "utf-16-be"
    try:
        text = head[: pairs * 2].decode(encoding)
    except UnicodeDecodeError:
        text = head[: pairs * 2 - 2].decode(encoding, errors="replace")  # a cut surrogate
    if any(not ch.isprintable() and ch not in "\r\n\t" for ch in text):
        return None
    return encoding


def _zip_check(path: Path, limits: Limits) -> str:
    """Refuse a ZIP whose declared contents are too big or too compressed to be a workbook.

    Return "xlsx" for a workbook, "central" for a ZIP of CSV files (ODK Central's export).

    Python's zipfile never inflates a member past its declared size (a member that tries
    fails its CRC check), so bounding the declared sizes bounds what openpyxl reads.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileRefused(_("The file is not a valid .xlsx workbook (a broken ZIP "
                            "archive).")) from None
    if len(members) > limits.max_zip_members:
        raise FileRefused(_("The workbook holds %(n)d parts; no spreadsheet needs that "
                            "many. It is refused as a possible zip bomb.")
                          % {"n": len(members)})
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MIB and ratio > limits.max_ratio:
            raise FileRefused(_("The workbook is compressed %(ratio)d times, more than any "
                                "spreadsheet: it is refused as a possible zip bomb.")
                              % {"ratio": int(ratio)})
    if total > limits.max_unpacked_bytes:
        raise FileRefused(_("The workbook unpacks to %(size)s MB; the limit is %(limit)s MB. "
                            "Split it into smaller files.")
                          % {"size": _megabytes(total),
                             "limit": _megabytes(limits.max_unpacked_bytes)})
    shared = sum(m.file_size for m in members if m.filename == "xl/sharedStrings.xml")
    if shared > limits.max_shared_strings_bytes:
        raise FileRefused(_("The workbook holds %(size)s MB of distinct texts; the limit is "
                            "%(limit)s MB. Save it as CSV, or split it.")
                          % {"size": _megabytes(shared),
                             "limit": _megabytes(limits.max_shared_strings_bytes)})
    names = {m.filename for m in members}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.lower().endswith(".csv") for n in names):
        return "central"
    raise FileRefused(_("The file is a ZIP archive but not an Excel workbook, nor an ODK "
                        "Central export of CSV files."))


def encoding_sniff(path: Path) -> str:
    """Return the text encoding: a BOM's, else UTF-8 if every byte is valid UTF-8, else cp1251.

    Refuse a file that is mostly UTF-8 but has invalid bytes (joined from two files, or
    damaged): reading it as Windows-1251 would turn every Cyrillic and Armenian letter
    into nonsense without an error.
    """
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if (utf16 := _utf16_without_bom(head)) is not None:
        return utf16
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    invalid = valid = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if chunk.isascii():
                continue
            text = decoder.decode(chunk)
            bad = text.count("\ufffd")
            invalid += bad
            valid += len(text) - len(text.encode("ascii", "ignore")) - bad
    invalid += decoder.decode(b"", final=True).count("\ufffd")
    if invalid == 0:
        return "utf-8"
    if valid > invalid:
        raise FileRefused(_("The file is UTF-8 with %(n)d invalid bytes: it was damaged or "
                            "joined from files in different encodings. Save it again as "
                            "UTF-8.") % {"n": invalid})
    return "cp1251"


class Table:
    """The rows of a CSV file or of an XLSX workbook's first sheet, as text cells."""

    format = ""
    encoding = ""
    delimiter = ""

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (row number, cells) for every row, the header (row 1) included."""
        raise NotImplementedError

    def header(self, cells: list[str], *, limits: Limits = DEFAULT_LIMITS) -> Header:
        """Return the map of the header row `cells` (refusing a header that is not right)."""
        from haven.intake.importing.columns import header_read  # noqa: PLC0415 - columns reads this module

        return header_read(cells, limits=limits)

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CsvTable(Table):
    format = "csv"

    def __init__(self, path: Path, limits: Limits, *, name: str = "") -> None:
        self.path = path
        self.name = name or path.name
        self.limits = limits
        self.encoding = encoding_sniff(path)
        self._stream: IO[str] | None = None
        self.delimiter = self._sniff_delimiter()

    def _open(self) -> IO[str]:
        return self.path.open(encoding=self.encoding, newline="", errors="strict")

    def _sniff_delimiter(self) -> str:
        with self._open() as stream:
            try:
                sample = stream.read(_SAMPLE)
            except UnicodeDecodeError:
                raise FileRefused(_("The file is not valid %(encoding)s text.")
                                  % {"encoding": self.encoding}) from None
        header = sample.splitlines()[0] if sample.strip() else ""
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
        except csv.Error:
            delimiter = ""
        # The Sniffer can be fooled by commas inside names or places; the header cannot:
        # it holds column names, so the right delimiter splits it the most.
        by_header = max(CSV_DELIMITERS, key=header.count)
        if not delimiter or header.count(delimiter) < header.count(by_header):
            delimiter = by_header
        return delimiter

    def first_row(self) -> list[str]:
        """Return the first row's cells (the header), reading no further."""
        with self._open() as stream:
            return next(csv.reader(stream, delimiter=self.delimiter), [])

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        self._stream = self._open()
        reader = csv.reader(self._stream, delimiter=self.delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                yield number, cells
        except UnicodeDecodeError:
            raise FileRefused(_("Row %(row)d is not valid %(encoding)s text.")
                              % {"row": number + 1, "encoding": self.encoding}) from None
        except csv.Error as exc:
            raise FileRefused(_("Row %(row)d cannot be read as CSV: %(problem)s")
                              % {"row": number + 1, "problem": str(exc)}) from None
        finally:
            self.close()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class XlsxTable(Table):
    format = "xlsx"

    def __init__(self, path: Path, limits: Limits, *, sheet: int = 0) -> None:
        # Only XLSX imports pay for loading it. (Its stubs, types-openpyxl, are optional.)
        import openpyxl  # type: ignore[import-untyped, unused-ignore]  # noqa: PLC0415

        self.path = path
        with warnings.catch_warnings():
            # "Workbook contains no default style" and the like: about looks, not data.
            warnings.simplefilter("ignore", UserWarning)
            try:
                self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            except Exception:  # openpyxl raises many kinds for a bad file
                raise FileRefused(_("The workbook cannot be opened: save it again as .xlsx "
                                    "or as CSV.")) from None
        if not self._book.worksheets:
            self.close()
            raise FileRefused(_("The workbook has no sheet."))
        self._sheet: Any = self._book.worksheets[sheet]
        self.sheet_title = str(self._sheet.title)

    @staticmethod
    def sheet_header(sheet: Any) -> list[str]:
        """Return the first row of a read-only sheet as text."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            for values in sheet.iter_rows(max_row=1, values_only=True):
                return [cell_text(v) for v in values]
        return []

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        number = 0
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                for number, values in enumerate(
                        self._sheet.iter_rows(values_only=True), start=1):
                    yield number, [cell_text(v) for v in values]
        except FileRefused:
            raise
        except Exception:  # a damaged sheet raises anything, XML to ZIP
            raise FileRefused(_("Row %(row)d of the workbook cannot be read: save it again "
                                "as .xlsx or as CSV.") % {"row": number + 1}) from None

    def close(self) -> None:
        self._book.close()


def cell_text(value: object) -> str:  # noqa: PLR0911 - one return per kind of cell
    """Return a spreadsheet cell as the text a person sees in it (1948, not 1948.0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def table_open(path: Path, kind: FileKind, *, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Open a checked file for reading its rows; use it as a context manager.

    A KoboToolbox workbook with a members sheet and an ODK Central ZIP are read as a
    form's export, one row per member with their household (`submissions`).
    """
    from haven.intake.importing import submissions  # noqa: PLC0415 - it builds on this module

    if kind.format == "central":
        return submissions.CentralZip(path, limits)
    if kind.format == "xlsx":
        try:
            export = submissions.kobo_workbook(path, limits)
        except FileRefused:
            raise
        except Exception:  # openpyxl raises many kinds for a bad file
            raise FileRefused(_("The workbook cannot be opened: save it again as .xlsx "
                                "or as CSV.")) from None
        return export or XlsxTable(path, limits)
    return CsvTable(path, limits)

