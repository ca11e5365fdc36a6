"""Schema migrations with Alembic, shipped inside the package (no alembic.ini needed).

`coseller db upgrade` calls `upgrade`; a new SQLite database is migrated on first start
(`ensure_schema`); `pending_changes` is what the test comparing models and migrations asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect

from storage.models import Base

__all__ = ["current_revision", "downgrade", "ensure_schema", "head_revision", "pending_changes",
           "recreate", "upgrade"]


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    # Alembic's Config is a ConfigParser: a literal % (a percent-encoded password or query) is %%.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for the migrations. On SQLite, foreign keys are off
    while they run (as Alembic advises): changing a constraint rebuilds a table (copy, drop,
    rename), and the drop must not fail for the rows that refer to it. They are checked after,
    and on again before the connection goes back to the pool."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect() as connection:
        # on the driver's connection: a statement through SQLAlchemy would begin a transaction
        # first (`storage.db`), inside which SQLite ignores this pragma
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left rows with broken references: {broken}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    config = _config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Undo migrations down to `revision`."""
    config = _config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def head_revision(engine: Engine) -> str | None:
    """The newest migration shipped."""
    return ScriptDirectory.from_config(_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None when it has none)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> bool:
    """Migrate a new or behind database to the head; True if anything was applied."""
    if current_revision(engine) == head_revision(engine):
        return False
    upgrade(engine)
    return True


def recreate(engine: Engine) -> None:
    """Drop every table (data and all) and migrate the empty database to the head: the console's
    `/reset` of its demo database."""
    tables = MetaData()
    tables.reflect(engine)
    if engine.dialect.name == "sqlite":
        # rows point at each other (people and partner organisations): SQLite checks every
        # drop unless foreign keys are off, which only takes effect outside a transaction
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA foreign_keys=OFF")
            for table in tables.tables.values():
                cursor.execute(f'DROP TABLE IF EXISTS "{table.name}"')
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
        finally:
            raw.close()
    else:
        with engine.begin() as connection:
            tables.drop_all(connection)
    upgrade(engine)


def pending_changes(engine: Engine) -> list[Any]:
    """Differences between the models and the migrated schema (empty when they match)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs: list[Any] = compare_metadata(context, Base.metadata)
    table_names = set(inspect(engine).get_table_names())
    return [d for d in diffs if not (isinstance(d, tuple) and d[0] == "remove_table"
                                     and d[1].name not in table_names)]
