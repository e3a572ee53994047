"""Reading import files: encodings, CSV dialects, XLSX, and the refusals before parsing."""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile

import openpyxl
import pytest

from haven.intake.importing.reading import (
    FileRefused,
    Limits,
    cell_text,
    encoding_sniff,
    file_check,
    table_open,
)

ARMENIAN = ["household_key,given_name,family_name,sex,relationship",
            "1,Անահիտ,Վարդանյան,իգական,head", "1,Տիգրան,Հարությունյան,արական,spouse"]
CYRILLIC = ["household_key;имя;фамилия;отчество;пол;родство",
            "7;Анаит;Варданян;Сергеевна;ж;глава", "7;Пётр;Оганесян;Ёлкин;м;муж"]


def write(tmp_path, lines, encoding, name="people.csv", bom=b""):
    path = tmp_path / name
    path.write_bytes(bom + ("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def read_all(path, limits=None):
    limits = limits or Limits()
    with table_open(path, file_check(path, limits=limits), limits=limits) as table:
        return list(table.rows())


@pytest.mark.parametrize(("encoding", "bom", "expected"), [
    ("utf-8", b"", "utf-8"),
    ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
    ("utf-16-le", b"", "utf-16-le"),
])
@pytest.mark.parametrize("lines", [ARMENIAN, CYRILLIC], ids=["armenian", "cyrillic"])
def test_unicode_files_read_the_same_with_or_without_a_bom(tmp_path, encoding, bom, expected,
                                                            lines):
    """UTF-8 with or without BOM and UTF-16 either way round give the same cells."""
    path = write(tmp_path, lines, encoding, bom=bom)
    assert encoding_sniff(path) == expected
    rows = read_all(path)
    assert [cells for _n, cells in rows] == [line.split(lines[0][13]) for line in lines]
    assert rows[0][1][0] == "household_key"  # no BOM left on the first column's name


def test_windows_1251_is_read_when_the_file_is_not_utf8(tmp_path):
    """Cyrillic saved by Excel on a Russian Windows (cp1251) reads as Cyrillic, ё included."""
    path = write(tmp_path, CYRILLIC, "cp1251")
    assert encoding_sniff(path) == "cp1251"
    rows = read_all(path)
    assert rows[1][1] == ["7", "Анаит", "Варданян", "Сергеевна", "ж", "глава"]
    assert rows[2][1][1:4] == ["Пётр", "Оганесян", "Ёлкин"]


def test_a_short_windows_1251_file_of_one_name_is_still_cp1251(tmp_path):
    path = write(tmp_path, ["household_key,given_name", "1,Ёж"], "cp1251")
    assert encoding_sniff(path) == "cp1251"


def test_utf8_with_a_few_broken_bytes_is_refused_not_misread(tmp_path):
    """A damaged UTF-8 file is refused: read as cp1251 its names would be nonsense."""
    path = write(tmp_path, ARMENIAN * 3, "utf-8")
    path.write_bytes(path.read_bytes() + b"1,\xff\xfe\xfa,x,f,head\r\n")
    with pytest.raises(FileRefused, match="UTF-8 with 3 invalid bytes"):
        encoding_sniff(path)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found(tmp_path, delimiter):
    """Comma, semicolon (Excel in Russian and Armenian locales) and tab are all read."""
    lines = ["household_key,given_name,family_name,place_of_origin".replace(",", delimiter),
             delimiter.join(["1", "Anahit", "Vardanyan", '"Shosh, Askeran"'])]
    rows = read_all(write(tmp_path, lines, "utf-8"))
    assert rows[1][1] == ["1", "Anahit", "Vardanyan", "Shosh, Askeran"]


def test_row_numbers_are_what_a_spreadsheet_shows(tmp_path):
    """Blank lines count, and a quoted value over two lines is one row."""
    lines = ["household_key,given_name", "1,Anahit", "", '2,"Tigran', 'Second line"', "3,Aram"]
    rows = read_all(write(tmp_path, lines, "utf-8"))
    assert [(n, c) for n, c in rows if c] == [
        (1, ["household_key", "given_name"]), (2, ["1", "Anahit"]),
        (4, ["2", "Tigran\r\nSecond line"]), (5, ["3", "Aram"])]


def test_xlsx_is_read_with_dates_and_numbers_as_people_see_them(tmp_path):
    path = tmp_path / "people.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["household_key", "given_name", "birth_date", "estimated_age", "phone"])
    born = dt.datetime(1948, 3, 15)  # noqa: DTZ001 - a spreadsheet's dates are naive
    sheet.append([1, "Անահիտ", born, None, 37497123456])
    sheet.append([])
    sheet.append([2.0, "Анаит", "1950", 73.0, "+374 97 123456"])
    book.save(path)
    assert file_check(path).format == "xlsx"
    rows = read_all(path)
    assert rows[1] == (2, ["1", "Անահիտ", "1948-03-15", "", "37497123456"])
    assert rows[3] == (4, ["2", "Анаит", "1950", "73", "+374 97 123456"])


def test_cell_text():
    assert cell_text(None) == ""
    assert cell_text(1948.0) == "1948"
    assert cell_text(2.5) == "2.5"
    assert cell_text(dt.datetime(2023, 9, 28, 14, 30)) == "2023-09-28 14:30"  # noqa: DTZ001
    assert cell_text(dt.date(2023, 9, 28)) == "2023-09-28"
    assert cell_text(True) == "1"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, ARMENIAN, "utf-8")
    with pytest.raises(FileRefused, match="the limit is"):
        file_check(path, limits=Limits(max_bytes=50))


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(FileRefused, match="empty"):
        file_check(path)


def test_an_xlsx_that_is_not_a_zip_is_refused(tmp_path):
    """The wrong magic bytes: a CSV renamed to .xlsx."""
    path = write(tmp_path, ARMENIAN, "utf-8", name="people.xlsx")
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        file_check(path)


def test_a_csv_that_is_a_zip_is_refused(tmp_path):
    path = tmp_path / "people.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(FileRefused, match="is a ZIP archive"):
        file_check(path)


def test_a_binary_csv_and_an_old_xls_are_refused(tmp_path):
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02\x00\x00")
    with pytest.raises(FileRefused, match="not text"):
        file_check(binary)
    old = tmp_path / "people.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(FileRefused, match=r"old Excel \(.xls\)"):
        file_check(old)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(tmp_path, monkeypatch):
    """A member that inflates a thousand times over is refused from its declared sizes."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    with pytest.raises(FileRefused, match="zip bomb"):
        file_check(path)
    with pytest.raises(FileRefused, match="unpacks to"):
        file_check(path, limits=Limits(max_ratio=10_000, max_unpacked_bytes=10 * 1024 * 1024))
    assert opened == []


def test_a_workbook_of_too_many_distinct_texts_is_refused(tmp_path):
    """openpyxl keeps the shared strings in memory: their declared size is bounded."""
    path = tmp_path / "texts.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "".join(f"<si>{n}</si>" for n in range(9999)))
    with pytest.raises(FileRefused, match="distinct texts"):
        file_check(path, limits=Limits(max_shared_strings_bytes=1000))


def test_a_zip_of_many_members_is_refused(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(30):
            archive.writestr(f"part{number}.xml", "x")
    with pytest.raises(FileRefused, match="30 parts"):
        file_check(path, limits=Limits(max_zip_members=20))


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", "x")
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        file_check(path)
