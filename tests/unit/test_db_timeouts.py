"""PostgreSQL limits from the environment (`storage.pg_guard.DatabaseTimeouts`): defaults,
overrides, 0 for none, the URL's own options last, clear errors."""

from __future__ import annotations

import pytest

from storage.pg_guard import DatabaseTimeouts


def test_defaults_bound_everything() -> None:
    limits = DatabaseTimeouts.from_env({})
    args = limits.connect_args()
    assert args["connect_timeout"] == 10 and args["keepalives"] == 1
    assert args["tcp_user_timeout"] == 30_000
    assert args["options"] == ("-c statement_timeout=60000 "
                               "-c idle_in_transaction_session_timeout=60000")
    assert limits.answer == 70.0
    assert limits.pool_options() == {"pool_pre_ping": True, "pool_timeout": 10.0,
                                     "pool_recycle": 1800.0}


def test_the_environment_sets_them_and_the_url_options_come_last() -> None:
    limits = DatabaseTimeouts.from_env({"DATABASE_CONNECT_TIMEOUT": "2",
                                        "DATABASE_STATEMENT_TIMEOUT": "1.5",
                                        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT": "0",
                                        "DATABASE_ANSWER_TIMEOUT": "3"})
    args = limits.connect_args("-csearch_path=it_1")
    assert args["connect_timeout"] == 2
    assert args["options"] == "-c statement_timeout=1500 -csearch_path=it_1"
    assert limits.answer == 3.0
    none = DatabaseTimeouts.from_env({"DATABASE_STATEMENT_TIMEOUT": "0"})
    assert none.answer is None                          # no statement limit, no client deadline
    assert none.connect_args()["options"] == "-c idle_in_transaction_session_timeout=60000"


@pytest.mark.parametrize("value", ["soon", "-1"])
def test_a_wrong_value_names_its_variable(value: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_STATEMENT_TIMEOUT"):
        DatabaseTimeouts.from_env({"DATABASE_STATEMENT_TIMEOUT": value})
