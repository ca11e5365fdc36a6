"""slack_sdk's SQLAlchemy installation and OAuth state stores on the ledger's engine, over the
tables the migration created (no `create_tables()`)."""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, inspect

from storage.models.base import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES

CLIENT_ID = "111.222"


def installation(team_id: str, *, bot_token: str, user_id: str = "U0INSTALL") -> Installation:
    return Installation(app_id="A0COSELL", team_id=team_id, team_name="Sakura", user_id=user_id,
                        bot_token=bot_token, bot_id="B0BOT", bot_user_id="U0BOT",
                        bot_scopes=["chat:write", "commands"], user_token="xoxp-user",
                        user_scopes=["identify"], installed_at=1_762_216_200.0)


def test_the_migration_creates_the_stores_tables(migrated: Engine) -> None:
    names = set(inspect(migrated).get_table_names())
    assert {SLACK_INSTALLATIONS.name, SLACK_BOTS.name, SLACK_OAUTH_STATES.name} <= names
    assert SQLAlchemyInstallationStore.default_installations_table_name == SLACK_INSTALLATIONS.name
    assert SQLAlchemyOAuthStateStore.default_table_name == SLACK_OAUTH_STATES.name


def test_an_installation_is_saved_and_found_again(migrated: Engine) -> None:
    store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=migrated)
    store.save(installation("T0SAKURA", bot_token="xoxb-first"))
    store.save(installation("T0OTHER", bot_token="xoxb-other"))

    found = store.find_installation(enterprise_id=None, team_id="T0SAKURA")
    assert found is not None
    assert (found.team_id, found.bot_token, found.user_id, found.bot_user_id) == (
        "T0SAKURA", "xoxb-first", "U0INSTALL", "U0BOT")
    assert found.bot_scopes == ["chat:write", "commands"]
    bot = store.find_bot(enterprise_id=None, team_id="T0SAKURA")
    assert bot is not None
    assert (bot.bot_token, bot.bot_id) == ("xoxb-first", "B0BOT")
    assert store.find_bot(enterprise_id=None, team_id="T0NOBODY") is None

    store.save(installation("T0SAKURA", bot_token="xoxb-rotated"))  # reinstalled: newest wins
    newest = store.find_bot(enterprise_id=None, team_id="T0SAKURA")
    assert newest is not None and newest.bot_token == "xoxb-rotated"

    other_app = SQLAlchemyInstallationStore(client_id="999.999", engine=migrated)
    assert other_app.find_bot(enterprise_id=None, team_id="T0SAKURA") is None


def test_an_installation_can_be_deleted(migrated: Engine) -> None:
    store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=migrated)
    store.save(installation("T0SAKURA", bot_token="xoxb-first"))
    store.delete_installation(enterprise_id=None, team_id="T0SAKURA")
    store.delete_bot(enterprise_id=None, team_id="T0SAKURA")
    assert store.find_installation(enterprise_id=None, team_id="T0SAKURA") is None
    assert store.find_bot(enterprise_id=None, team_id="T0SAKURA") is None


def test_an_oauth_state_is_issued_and_consumed_once(migrated: Engine) -> None:
    store = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=migrated)
    state = store.issue()
    other = store.issue()
    assert state and state != other
    assert store.consume(state) is True
    assert store.consume(state) is False
    assert store.consume("never-issued") is False
    assert store.consume(other) is True


def test_an_expired_oauth_state_is_refused(migrated: Engine) -> None:
    store = SQLAlchemyOAuthStateStore(expiration_seconds=-1, engine=migrated)  # born expired
    assert store.consume(store.issue()) is False
