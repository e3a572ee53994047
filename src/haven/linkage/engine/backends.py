"""Where Splink runs: DuckDB in this process (default), or Spark for scale.

One abstract class, one subclass per backend; pyspark is imported only when the
Spark backend is asked for, and its session is started once per process.
"""

from __future__ import annotations

import abc
import atexit
import itertools
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from splink.internals.database_api import DatabaseAPISubClass
from splink.internals.splink_dataframe import SplinkDataFrame

from haven.config.environment import env_str, var_dir

ENGINES = ("duckdb", "spark")
_table_numbers = itertools.count(1)


class Backend(abc.ABC):
    """A fresh Splink database API for one linkage run, and how to feed it tables."""

    name: ClassVar[str]
    dialect: ClassVar[str]

    def __init__(self) -> None:
        self.registered: list[str] = []
        self.db_api: DatabaseAPISubClass = self._new_db_api()

    @abc.abstractmethod
    def _new_db_api(self) -> DatabaseAPISubClass: ...

    @abc.abstractmethod
    def _native(self, table: pd.DataFrame) -> Any: ...

    def register(self, table: pd.DataFrame, name: str) -> SplinkDataFrame:
        """Register a prepared table under a name unique within this process.

        A Spark session outlives the run and keeps its temporary views: a name unique
        only within the run would clash with the previous run's (link_new runs twice).
        """
        frame = self.db_api.register(self._native(table),
                                     dataset_display_name=f"{name}_{next(_table_numbers)}")
        self.registered.append(frame.physical_name)
        return frame

    def close(self) -> None:  # noqa: B027 - most backends have nothing to release
        """Release what the run held."""


class DuckDBBackend(Backend):
    name = "duckdb"
    dialect = "duckdb"

    def _new_db_api(self) -> DatabaseAPISubClass:
        from splink.backends.duckdb import DuckDBAPI  # noqa: PLC0415 - splink's lazy import

        return DuckDBAPI()

    def _native(self, table: pd.DataFrame) -> Any:
        return table

    def close(self) -> None:
        self.db_api.duckdb_con.close()


_spark_lock = threading.Lock()
_spark_session: Any = None
# One Spark run at a time per process: the checkpoint folder is the Spark context's.
_spark_run_lock = threading.Lock()
_spark_scratch: Path | None = None
LOCAL_MASTER = "local[*]"


def spark_master() -> str:
    """Return the Spark master URL: HAVEN_SPARK_MASTER, or this machine's cores."""
    return env_str("HAVEN_SPARK_MASTER") or LOCAL_MASTER


def spark_log_path() -> Path:
    """Return var/log/spark.log, where the JVM's own output goes (not the terminal)."""
    folder = var_dir() / "log"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "spark.log"


def _is_local(master: str) -> bool:
    return master.startswith("local")


def spark_session() -> Any:
    """Return this process's Spark session, started on first use (~7 s locally).

    Everything Spark writes on this machine (Splink's Parquet checkpoints, shuffle
    blocks, the JVM's temporary files) lives in one `haven-spark-*` folder under the
    temp dir: names, birth dates, phones and documents. Each run deletes its
    checkpoints when it ends; the folder itself goes when the process exits, normally,
    on an error or on SIGTERM (atexit, after stopping Spark so that nothing writes
    into it again). The JVM's console output goes to var/log/spark.log: the user sees
    Haven's progress, not Java's warnings.
    """
    global _spark_session, _spark_scratch  # noqa: PLW0603 - one JVM per process, lazily
    with _spark_lock:
        if _spark_session is None:
            # Workers must run this interpreter (with Haven's packages), and Spark must
            # not go looking for a public address on a machine without a network.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            if _is_local(spark_master()):
                os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            from pyspark import SparkConf, SparkContext  # noqa: PLC0415 - optional backend
            from pyspark.java_gateway import launch_gateway  # noqa: PLC0415
            from pyspark.sql import SparkSession  # noqa: PLC0415
            from splink.backends.spark import similarity_jar_location  # noqa: PLC0415

            scratch_abandoned_remove(Path(tempfile.gettempdir()))
            scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
            (scratch / SCRATCH_OWNER).write_text(str(os.getpid()))
            _spark_scratch = scratch
            atexit.register(_stop_spark)
            _terminate_cleanly()
            conf = spark_conf(SparkConf(), scratch, similarity_jar_location())
            with spark_log_path().open("ab") as log:
                # The JVM keeps these descriptors: its log4j console output and the
                # launcher's warnings go to the log file for the life of the process.
                gateway = launch_gateway(conf, popen_kwargs={"stdout": log, "stderr": log})
            context = SparkContext(conf=conf, gateway=gateway)
            context.setLogLevel("WARN")
            _spark_session = SparkSession(context)
        return _spark_session


def spark_conf(conf: Any, scratch: Path, jar: str) -> Any:
    """Fill a SparkConf: the master from HAVEN_SPARK_MASTER, every scratch file in `scratch`."""
    java_tmp = scratch / "java"
    java_tmp.mkdir(exist_ok=True)
    return (
        conf.setMaster(spark_master()).setAppName("haven-linkage")
        .set("spark.driver.memory", "2g")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.default.parallelism", "4")
        .set("spark.jars", jar)
        .set("spark.ui.enabled", "false")
        # Haven reports its own stages; Spark's bars would garble stderr.
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.sql.execution.arrow.pyspark.enabled", "true")
        .set("spark.local.dir", str(scratch))
        .set("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={java_tmp}")
    )


SCRATCH_PREFIX = "haven-spark-"
SCRATCH_OWNER = "owner.pid"


def scratch_abandoned_remove(temp_dir: Path) -> list[Path]:
    """Delete the scratch folders of Spark runs whose process is gone; return them.

    A run killed with SIGKILL (or by a power cut) never reaches its atexit clean-up, so
    its checkpoints (names, birth dates, documents) would stay in the temp dir for good:
    found by bench/faults/crash.py on Spark. The next run removes them. A folder
    without an owner file (being made this instant) or whose owner still runs is kept.
    """
    removed = []
    for folder in temp_dir.glob(f"{SCRATCH_PREFIX}*"):
        try:
            owner = int((folder / SCRATCH_OWNER).read_text())
        except (OSError, ValueError):
            continue
        if not _process_running(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _process_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: running
    return True


def _stop_spark() -> None:
    """Stop Spark, then delete the process's scratch folder (atexit)."""
    global _spark_session
    session, _spark_session = _spark_session, None
    if session is not None:
        try:
            session.stop()
        except Exception:  # the JVM may already be gone: delete the files anyway
            logging.getLogger(__name__).warning("Spark did not stop cleanly")
    if _spark_scratch is not None:
        shutil.rmtree(_spark_scratch, ignore_errors=True)


def _terminate_cleanly() -> None:
    """Make SIGTERM exit through atexit (the default handler would skip the clean-up)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


class SparkBackend(Backend):
    name = "spark"
    dialect = "spark"

    def __init__(self) -> None:
        self.checkpoints: Path | None = None
        _spark_run_lock.acquire()
        self._holds_lock = True
        try:
            super().__init__()
        except BaseException:
            self.close()
            raise

    def _new_db_api(self) -> DatabaseAPISubClass:
        from splink.backends.spark import SparkAPI  # noqa: PLC0415 - optional backend

        session = spark_session()
        if not _is_local(spark_master()):
            # On a cluster a folder on this machine is not the executors': Splink keeps
            # its intermediate tables in the executors' memory and local dirs instead.
            return SparkAPI(spark_session=session, break_lineage_method="persist")
        if _spark_scratch is None:  # spark_session() sets it
            raise RuntimeError("Spark started without its scratch folder")
        # Splink writes its intermediate tables as Parquet under the checkpoint folder:
        # one folder per run, deleted when the run ends, whatever way it ends.
        self.checkpoints = Path(tempfile.mkdtemp(prefix="run-", dir=_spark_scratch))
        session.sparkContext.setCheckpointDir(str(self.checkpoints))
        return SparkAPI(spark_session=session, break_lineage_method="parquet")

    def _native(self, table: pd.DataFrame) -> Any:
        from pyspark.sql import types as T  # noqa: N812, PLC0415 - optional backend

        fields = [T.StructField(column, T.LongType() if str(dtype) == "Int64"
                                else T.StringType(), nullable=True)
                  for column, dtype in table.dtypes.items()]
        rows = table.astype(object).where(table.notna(), None)
        return spark_session().createDataFrame(rows, schema=T.StructType(fields))

    def close(self) -> None:
        """Stop what is still running, drop cached tables, delete this run's Parquet."""
        try:
            session = _spark_session
            if session is not None:
                try:
                    # An interrupted run may still have jobs writing into the folder.
                    session.sparkContext.cancelAllJobs()
                    # Splink's intermediate tables are temporary views too, each
                    # holding personal data; one run at a time, so all are this run's.
                    for view in session.catalog.listTables():
                        if view.isTemporary:
                            session.catalog.dropTempView(view.name)
                    session.catalog.clearCache()
                except Exception:  # deleting the files matters more
                    logging.getLogger(__name__).warning("Spark did not cancel cleanly")
            if self.checkpoints is not None:
                shutil.rmtree(self.checkpoints, ignore_errors=True)
                self.checkpoints = None
        finally:
            if self._holds_lock:
                self._holds_lock = False
                _spark_run_lock.release()


def backend_for(engine: str) -> Backend:
    """Return a new backend for `engine` ("duckdb" or "spark")."""
    if engine == "duckdb":
        return DuckDBBackend()
    if engine == "spark":
        return SparkBackend()
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
