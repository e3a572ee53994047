"""`haven trace match`: two agencies' lists, ranked candidates per request, clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner, Result

from haven.cli import trace_exchange  # noqa: F401 - registers the commands
from haven.cli.main import cli

RECORDS = (
    "record_id,given_name,family_name,patronymic,sex,birth_date,place_of_origin,phone,"
    "document_number\n"
    "k-1,Անահիտ,Վարդանյան,,female,1948-03-12,Ստեփանակերտ,,\n"
    "k-2,Արամ,Վարդանյան,,male,1975,Ստեփանակերտ,,\n"
    "g-7,Тигран,Петросян,,м,1990-05-01,Мартуни,,\n"
    "x-1,Armen,Grigoryan,,male,1962,Martakert,,\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["trace", "match", *args])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ranks_records_in_another_script_for_each_request(tmp_path: Path) -> None:
    records = write(tmp_path / "records.csv", RECORDS)
    requests = write(tmp_path / "requests.csv",
                     "request_id,given_name,family_name,sex,birth_year,place_of_origin\n"
                     "R1,Anahit,Vardanian,f,1948,Stepanakert\n"
                     "R2,Tigran,Petrosyan,m,1990,\n"
                     "R3,Nobody,Unknownyan,,,\n")
    output = tmp_path / "matches.csv"
    result = run("--records", str(records), "--requests", str(requests),
                 "--output", str(output))
    assert result.exit_code == 0, result.output
    found = rows(output)
    assert list(found[0]) == ["request_id", "rank", "record_id", "score"]
    by_request: dict[str, list[dict[str, str]]] = {}
    for row in found:
        by_request.setdefault(row["request_id"], []).append(row)
    assert by_request["R1"][0]["record_id"] == "k-1"
    assert by_request["R2"][0]["record_id"] == "g-7"
    assert "R3" not in by_request  # no candidate: no row, not a made-up one
    for ranked in by_request.values():
        assert [int(r["rank"]) for r in ranked] == list(range(1, len(ranked) + 1))
        scores = [float(r["score"]) for r in ranked]
        assert scores == sorted(scores, reverse=True)
    assert float(by_request["R1"][0]["score"]) > 0.9


def test_names_alone_suffice_and_top_limits_the_rows(tmp_path: Path) -> None:
    records = write(tmp_path / "records.csv",
                    "record_id,given_name,family_name\n"
                    + "".join(f"v{i},Անահիտ,Վարդանյան\n" for i in range(5))
                    + "p1,Armen,Petrosyan\n")
    requests = write(tmp_path / "requests.csv", "request_id,given_name,family_name\n"
                     "R1,Анаит,Варданян\n")
    output = tmp_path / "matches.csv"
    result = run("--records", str(records), "--requests", str(requests),
                 "--output", str(output), "--top", "3")
    assert result.exit_code == 0, result.output
    found = rows(output)
    assert [r["rank"] for r in found] == ["1", "2", "3"]
    assert all(r["record_id"].startswith("v") for r in found)


def test_the_same_id_in_both_files_is_not_a_conflict(tmp_path: Path) -> None:
    records = write(tmp_path / "records.csv", "record_id,given_name,family_name\n"
                    "1,Անահիտ,Վարդանյան\n")
    requests = write(tmp_path / "requests.csv", "request_id,given_name,family_name\n"
                     "1,Anahit,Vardanyan\n")
    output = tmp_path / "matches.csv"
    assert run("--records", str(records), "--requests", str(requests),
               "--output", str(output)).exit_code == 0
    assert [(r["request_id"], r["record_id"]) for r in rows(output)] == [("1", "1")]


def test_missing_column_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    records = write(tmp_path / "records.csv", RECORDS)
    requests = write(tmp_path / "requests.csv", "request_id,given_name\nR1,Anahit\n")
    output = tmp_path / "matches.csv"
    result = run("--records", str(records), "--requests", str(requests),
                 "--output", str(output))
    assert result.exit_code != 0
    assert "missing column family_name" in result.output
    assert str(requests) in result.output
    assert not output.exists()


def test_records_without_an_id_column_are_refused(tmp_path: Path) -> None:
    records = write(tmp_path / "records.csv", "id,given_name,family_name\n1,A,B\n")
    requests = write(tmp_path / "requests.csv", "request_id,given_name,family_name\nR,A,B\n")
    result = run("--records", str(records), "--requests", str(requests),
                 "--output", str(tmp_path / "out.csv"))
    assert result.exit_code != 0
    assert "missing column record_id" in result.output


def test_bad_values_name_the_line_and_column(tmp_path: Path) -> None:
    records = write(tmp_path / "records.csv", RECORDS)
    requests = write(tmp_path / "requests.csv",
                     "request_id,given_name,family_name,birth_year\n"
                     "R1,Anahit,Vardanyan,1948\nR2,Aram,Vardanyan,about 1975\n")
    result = run("--records", str(records), "--requests", str(requests),
                 "--output", str(tmp_path / "out.csv"))
    assert result.exit_code != 0
    assert "line 3, column birth_year" in result.output
    bad_date = write(tmp_path / "bad.csv", "record_id,given_name,family_name,birth_date\n"
                     "a,X,Y,1948-02-30\n")
    result = run("--records", str(bad_date), "--requests", str(requests),
                 "--output", str(tmp_path / "out.csv"))
    assert "line 2, column birth_date" in result.output
    duplicate = write(tmp_path / "dup.csv", "request_id,given_name,family_name\nR,A,B\nR,C,D\n")
    result = run("--records", str(records), "--requests", str(duplicate),
                 "--output", str(tmp_path / "out.csv"))
    assert result.exit_code != 0
    assert "line 3, column request_id: duplicate 'R'" in result.output


def test_a_file_that_is_not_csv_text_is_refused(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_bytes(b"\xff\xfe\x00binary")
    requests = write(tmp_path / "requests.csv", "request_id,given_name,family_name\nR,A,B\n")
    result = run("--records", str(records), "--requests", str(requests),
                 "--output", str(tmp_path / "out.csv"))
    assert result.exit_code != 0
    assert "not UTF-8 text" in result.output


def test_a_file_large_enough_to_train_the_model_is_matched(tmp_path: Path) -> None:
    """From 1,000 records the engine trains; requests give years, never full dates."""
    given = ["Anahit", "Tigran", "Narine", "Armen", "Mariam", "Davit", "Gayane", "Aram"]
    family = ["Vardanyan", "Petrosyan", "Grigoryan", "Sargsyan", "Hakobyan", "Avetisyan",
              "Babayan", "Harutyunyan", "Mkrtchyan", "Khachatryan", "Gevorgyan"]
    lines = ["record_id,given_name,family_name,sex,birth_date,place_of_origin"]
    for i in range(1200):
        lines.append(f"r{i},{given[i % 8]},{family[i % 11]},{'fm'[i % 2]},"
                     f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d},Martuni")
    records = write(tmp_path / "records.csv", "\n".join(lines) + "\n")
    requests = write(tmp_path / "requests.csv",
                     "request_id,given_name,family_name,sex,birth_year\n"
                     "R1,Анаит,Варданян,f,1940\nR2,Տիգրան,Պետրոսյան,m,1941\n")
    output = tmp_path / "matches.csv"
    result = run("--records", str(records), "--requests", str(requests),
                 "--output", str(output), "--top", "5")
    assert result.exit_code == 0, result.output
    best = {r["request_id"]: r["record_id"] for r in rows(output) if r["rank"] == "1"}
    assert best == {"R1": "r0", "R2": "r1"}
