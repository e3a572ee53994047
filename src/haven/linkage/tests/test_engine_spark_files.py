"""The Spark engine leaves no personal data on disk, and reads its master from a setting.

Splink on Spark writes its intermediate tables (names, birth dates, phones, documents)
as Parquet under the checkpoint folder, and Spark its shuffle blocks under its local
dir; both live in one `haven-spark-*` folder under the temp dir. A run deletes its
Parquet when it ends, whatever way; the folder goes when the process exits (normally,
on an error, on Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from haven.linkage.engine import backends, dedupe
from haven.linkage.engine import linking as engine_linking
from haven.linkage.tests.test_engine import ANAHIT, OTHERS, table

pytest.importorskip("pyspark")


def test_the_spark_master_is_read_from_the_setting(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from pyspark import SparkConf  # noqa: PLC0415 - after importorskip

    monkeypatch.setenv("HAVEN_SPARK_MASTER", "spark://cluster.example:7077")
    assert backends.spark_master() == "spark://cluster.example:7077"
    conf = backends.spark_conf(SparkConf(loadDefaults=False), tmp_path, "similarity.jar")
    assert conf.get("spark.master") == "spark://cluster.example:7077"
    # Every file Spark writes on this machine goes under the run's scratch folder.
    assert conf.get("spark.local.dir") == str(tmp_path)
    assert f"-Djava.io.tmpdir={tmp_path / 'java'}" in conf.get("spark.driver.extraJavaOptions")
    monkeypatch.delenv("HAVEN_SPARK_MASTER")
    assert backends.spark_master() == "local[*]"
    assert backends.spark_conf(SparkConf(loadDefaults=False), tmp_path,
                               "similarity.jar").get("spark.master") == "local[*]"


def _parquet(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and ".parquet" in p.name]


def test_a_spark_run_deletes_its_parquet_on_success_and_on_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    records = table(*ANAHIT, *OTHERS)
    result = dedupe(records, engine="spark")
    assert result.clusters["goris-7"] == result.clusters["vayk-3"]
    scratch = backends._spark_scratch
    assert scratch is not None
    assert scratch.name.startswith("haven-spark-")
    assert not list(scratch.glob("run-*"))
    assert not _parquet(scratch)

    seen: list[Path] = []
    real_predict = engine_linking._predict

    def predict_then_fail(linker, lower):  # type: ignore[no-untyped-def]
        real_predict(linker, lower)
        # The run's Parquet exists at this point: the clean-up has something to do.
        seen.extend(_parquet(scratch))
        raise RuntimeError("the scoring failed")

    monkeypatch.setattr(engine_linking, "_predict", predict_then_fail)
    with pytest.raises(RuntimeError, match="scoring failed"):
        dedupe(records, engine="spark")
    assert seen, "the run wrote no Parquet, so this test proves nothing"
    assert not list(scratch.glob("run-*"))
    assert not _parquet(scratch)


_SCRIPT = """
import sys
from haven.linkage.engine import dedupe
from haven.linkage.tests.test_engine import ANAHIT, OTHERS, table
dedupe(table(*ANAHIT, *OTHERS), engine="spark")
print("done", flush=True)
"""


def _child(tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"),
           "HAVEN_VAR_DIR": str(tmp_path / "var")}
    (tmp_path / "tmp").mkdir()
    return subprocess.Popen([sys.executable, "-c", _SCRIPT], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_no_file_remains_after_a_spark_process_ends(tmp_path: Path) -> None:
    child = _child(tmp_path)
    out, err = child.communicate(timeout=900)
    assert child.returncode == 0, err
    assert "done" in out
    assert not list((tmp_path / "tmp").glob("haven-spark-*"))
    # Java's warnings went to the log file, not to the terminal.
    assert "WARN" not in err
    assert (tmp_path / "var" / "log" / "spark.log").exists()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_no_file_remains_after_ctrl_c_or_sigterm(tmp_path: Path, signum: int) -> None:
    child = _child(tmp_path)
    deadline = time.monotonic() + 900
    # Interrupt the run once Spark has written Parquet of the records.
    while time.monotonic() < deadline and child.poll() is None:
        if any(_parquet(folder) for folder in (tmp_path / "tmp").glob("haven-spark-*")):
            break
        time.sleep(0.2)
    assert child.poll() is None, "the run ended before it could be interrupted"
    child.send_signal(signum)
    _out, err = child.communicate(timeout=300)
    assert child.returncode != 0
    assert not list((tmp_path / "tmp").glob("haven-spark-*")), err


def test_scratch_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    """SIGKILL skips atexit: the next run deletes folders whose owner process is gone."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    killed = tmp_path / "haven-spark-killed"
    (killed / "checkpoints").mkdir(parents=True)
    (killed / "checkpoints" / "part-0.parquet").write_bytes(b"Anahit Vardanyan")
    (killed / backends.SCRATCH_OWNER).write_text(gone.stdout.strip())
    running = tmp_path / "haven-spark-running"
    running.mkdir()
    (running / backends.SCRATCH_OWNER).write_text(str(os.getpid()))
    being_made = tmp_path / "haven-spark-new"  # no owner file yet
    being_made.mkdir()
    other = tmp_path / "not-haven"
    other.mkdir()
    (other / backends.SCRATCH_OWNER).write_text(gone.stdout.strip())

    assert backends.scratch_abandoned_remove(tmp_path) == [killed]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "haven-spark-new", "haven-spark-running", "not-haven"]
