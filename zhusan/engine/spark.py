"""Spark for the ``spark`` engine: the project's model run in Spark's partitions.

    for result in map_chunks(score_chunk, scoring, chunks):
        ...

The driver holds what every chunk needs (``shared``: the fitted registry
index); Spark broadcasts it once, hands the chunks to its partitions (one
task each, with the RDD API) and each partition runs ``fn(shared, *chunk)``.
Results come back in the chunks' order, a wave of tasks at a time (twice the
cores Spark has), so the caller can report progress as they come. Nothing
here knows about linkage: :mod:`.engines` passes its own scoring function.

Spark runs in local mode (:func:`spark_session`) unless the caller created a
session first (a cluster). pyspark is imported only when Spark is used.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from typing import Any, TypeVar

R = TypeVar("R")

_LOCK = threading.Lock()
_SPARK: dict[str, Any] = {}

_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def spark_session() -> Any:
    """The Spark session: the active one when the caller made one (a cluster),
    else local mode on two cores, bound to 127.0.0.1, without the web UI,
    quiet, with scratch space in a temporary directory removed at exit."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    with _LOCK:
        if "session" in _SPARK:
            return _SPARK["session"]
        scratch = tempfile.mkdtemp(prefix="zhusan-spark-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        log4j = os.path.join(scratch, "log4j2.properties")
        with open(log4j, "w", encoding="utf-8") as fh:
            fh.write(_LOG4J)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        java_options = f"-Dlog4j.configurationFile=file:{log4j} -Djava.io.tmpdir={scratch}"
        builder = (
            SparkSession.builder.master("local[2]")
            .appName("zhusan-link")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.memory", "4g")
            .config("spark.driver.extraJavaOptions", java_options)
            .config("spark.default.parallelism", "2")
            .config("spark.local.dir", scratch)
            .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        )
        session = builder.getOrCreate()
        atexit.register(session.stop)  # before the scratch directory goes (atexit runs last-registered first)
        logging.getLogger("py4j").setLevel(logging.WARNING)
        session.sparkContext.setLogLevel("ERROR")
        _SPARK["session"] = session
        return session


class Pickled:
    """A value that pickles itself with cloudpickle (which pyspark ships):
    the index's blocking rules are closures, which plain pickle refuses, and
    Spark pickles broadcast values with plain pickle."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __reduce__(self) -> tuple[Callable[[bytes], Pickled], tuple[bytes]]:
        from pyspark import cloudpickle

        data: bytes = cloudpickle.dumps(self.value, protocol=pickle.HIGHEST_PROTOCOL)  # type: ignore[no-untyped-call]  # pyspark's copy of cloudpickle is unannotated
        return _unpickled, (data,)


def _unpickled(data: bytes) -> Pickled:
    return Pickled(pickle.loads(data))  # noqa: S301  # bytes this module pickled on the driver


def broadcast_size(value: Any) -> int:
    """Bytes that Spark would broadcast for ``value`` (for the benchmark)."""
    return len(pickle.dumps(Pickled(value), protocol=pickle.HIGHEST_PROTOCOL))


def _run(broadcast: Any, fn: Callable[..., R], chunks: Iterable[tuple[Any, ...]]) -> Iterator[R]:
    shared = broadcast.value.value
    for chunk in chunks:
        yield fn(shared, *chunk)


def map_chunks(
    fn: Callable[..., R], shared: Any, chunks: Iterable[tuple[Any, ...]], *, wave: int | None = None
) -> Iterator[R]:
    """``fn(shared, *chunk)`` for every chunk, one Spark task each, results
    in the chunks' order; ``shared`` is broadcast once. ``wave`` tasks run
    per Spark job (twice Spark's default parallelism unless given): results
    come back a wave at a time."""
    sc = spark_session().sparkContext
    per_wave = wave or 2 * sc.defaultParallelism
    broadcast = sc.broadcast(Pickled(shared))
    try:
        pending = iter(chunks)
        while batch := list(islice(pending, per_wave)):
            rdd = sc.parallelize(batch, len(batch))
            yield from rdd.mapPartitions(partial(_run, broadcast, fn)).collect()
    finally:
        broadcast.destroy()
