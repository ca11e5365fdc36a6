"""The shipped Alembic migrations against the models, on each database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from storage.db import make_engine
from storage.migrate import (
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    pending_changes,
    upgrade,
)
from storage.models import Base

from .support import pg_admin_url

EVERY_TABLE = set(Base.metadata.tables)


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_the_models_declare_the_ledger_and_the_slack_tables() -> None:
    assert {"deals", "clocks", "outbox", "audit_log", "slack_installations", "slack_bots",
            "slack_oauth_states"} <= EVERY_TABLE


def test_upgrade_from_empty_creates_every_table(engine: Engine) -> None:
    assert tables(engine) == set()
    assert current_revision(engine) is None
    upgrade(engine)
    assert tables(engine) == EVERY_TABLE
    assert current_revision(engine) == head_revision(engine) is not None


def test_upgrade_creates_the_partial_unique_and_work_indexes(migrated: Engine) -> None:
    inspector = inspect(migrated)
    deals = {ix["name"]: ix for ix in inspector.get_indexes("deals")}
    assert deals["uq_deals_open_partner_domain"]["unique"]
    assert "ix_clocks_due_work" in {ix["name"] for ix in inspector.get_indexes("clocks")}
    assert "ix_outbox_due_work" in {ix["name"] for ix in inspector.get_indexes("outbox")}


def test_downgrade_to_base_removes_every_table_and_upgrade_works_again(migrated: Engine) -> None:
    downgrade(migrated)
    assert tables(migrated) == set()
    assert current_revision(migrated) is None
    upgrade(migrated)
    assert tables(migrated) == EVERY_TABLE
    assert current_revision(migrated) == head_revision(migrated)
    assert pending_changes(migrated) == []


def test_models_match_the_migrations(migrated: Engine) -> None:
    assert pending_changes(migrated) == []


def test_ensure_schema_migrates_a_new_database_once(engine: Engine) -> None:
    assert ensure_schema(engine) is True
    assert tables(engine) == EVERY_TABLE
    assert current_revision(engine) == head_revision(engine)
    assert ensure_schema(engine) is False
    assert pending_changes(engine) == []


def test_postgresql_tests_stay_in_their_own_schema(migrated: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL schemas only")
    with migrated.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    assert schema.startswith("it_")
    admin = create_engine(pg_admin_url(), poolclass=NullPool)
    try:
        assert set(inspect(admin).get_table_names(schema=schema)) == EVERY_TABLE | {"alembic_version"}
    finally:
        admin.dispose()


def test_a_url_with_a_percent_sign_migrates(tmp_path: Path) -> None:
    """Alembic's configuration is a ConfigParser: a % in the URL (a percent-encoded password, a
    PostgreSQL `options=-csearch_path%3D...`, a directory named so) must not break it."""
    folder = tmp_path / "100%"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'ledger.db'}")
    try:
        assert ensure_schema(engine) is True
        assert tables(engine) == EVERY_TABLE
    finally:
        engine.dispose()
