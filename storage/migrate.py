"""Schema migrations with Alembic, shipped inside the package (no alembic.ini needed).

`coseller db upgrade` calls `upgrade`; a new SQLite database is migrated on first start
(`ensure_schema`); `pending_changes` is what the test comparing models and migrations asks.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect

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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Undo migrations down to `revision`."""
    config = _config(engine)
    with engine.begin() as connection:
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
