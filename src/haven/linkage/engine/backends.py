"""Where Splink runs: DuckDB in this process (default), or Spark for scale.

One abstract class, one subclass per backend; pyspark is imported only when the
Spark backend is asked for, and its session is started once per process.
"""

from __future__ import annotations

import abc
import os
import sys
import tempfile
import threading
from typing import Any, ClassVar

import pandas as pd
from splink.internals.database_api import DatabaseAPISubClass
from splink.internals.splink_dataframe import SplinkDataFrame

ENGINES = ("duckdb", "spark")


class Backend(abc.ABC):
    """A fresh Splink database API for one linkage run, and how to feed it tables."""

    name: ClassVar[str]
    dialect: ClassVar[str]

    def __init__(self) -> None:
        self.db_api: DatabaseAPISubClass = self._new_db_api()
        self._tables = 0

    @abc.abstractmethod
    def _new_db_api(self) -> DatabaseAPISubClass: ...

    @abc.abstractmethod
    def _native(self, table: pd.DataFrame) -> Any: ...

    def register(self, table: pd.DataFrame, name: str) -> SplinkDataFrame:
        """Register a prepared table under a name unique within this run."""
        self._tables += 1
        return self.db_api.register(self._native(table),
                                    dataset_display_name=f"{name}_{self._tables}")

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


def spark_session() -> Any:
    """Return this process's local Spark session, started on first use (~7 s)."""
    global _spark_session  # noqa: PLW0603 - one JVM per process, started lazily
    with _spark_lock:
        if _spark_session is None:
            # Workers must run this interpreter (with Haven's packages), and Spark must
            # not go looking for a public address on a machine without a network.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            from pyspark.sql import SparkSession  # noqa: PLC0415 - optional backend
            from splink.backends.spark import similarity_jar_location  # noqa: PLC0415

            session = (
                SparkSession.builder.master("local[*]").appName("haven-linkage")
                .config("spark.driver.memory", "2g")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "4")
                .config("spark.jars", similarity_jar_location())
                .config("spark.ui.enabled", "false")
                # Haven reports its own stages; Spark's bars would garble stderr.
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate()
            )
            session.sparkContext.setLogLevel("ERROR")
            # Splink on Spark checkpoints intermediate tables; the folder lives as long
            # as the process.
            checkpoints = tempfile.mkdtemp(prefix="haven-spark-")
            session.sparkContext.setCheckpointDir(checkpoints)
            _spark_session = session
        return _spark_session


class SparkBackend(Backend):
    name = "spark"
    dialect = "spark"

    def _new_db_api(self) -> DatabaseAPISubClass:
        from splink.backends.spark import SparkAPI  # noqa: PLC0415 - optional backend

        return SparkAPI(spark_session=spark_session())

    def _native(self, table: pd.DataFrame) -> Any:
        from pyspark.sql import types as T  # noqa: N812, PLC0415 - optional backend

        fields = [T.StructField(column, T.LongType() if str(dtype) == "Int64"
                                else T.StringType(), nullable=True)
                  for column, dtype in table.dtypes.items()]
        rows = table.astype(object).where(table.notna(), None)
        return spark_session().createDataFrame(rows, schema=T.StructType(fields))


def backend_for(engine: str) -> Backend:
    """Return a new backend for `engine` ("duckdb" or "spark")."""
    if engine == "duckdb":
        return DuckDBBackend()
    if engine == "spark":
        return SparkBackend()
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
