"""What the database benchmarks share: the backends to run on, and a throwaway engine for each
(a temporary SQLite file, or a PostgreSQL schema of its own, dropped afterwards)."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine

from storage.db import make_engine

BACKENDS = ("sqlite", "postgresql")


def parse_backends(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """The comma-separated backends of `--backends`; an unknown one is a usage error."""
    backends = [b.strip() for b in text.split(",") if b.strip()]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    return backends


@contextmanager
def bench_engine(name: str, pg_url: str, schema_prefix: str) -> Iterator[Engine]:
    """An engine on an empty database for one benchmark run, cleaned up afterwards."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="coseller-bench-") as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            try:
                yield engine
            finally:
                engine.dispose()
        return
    schema = f"{schema_prefix}_{os.getpid()}"
    admin = create_engine(pg_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine = make_engine(pg_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
