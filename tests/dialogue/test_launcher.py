"""The Rasa launcher's environment: the profile's endpoints, their variables, and every secret setting for them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from assistant.settings import Settings
from dialogue.launcher import endpoints_environment, use_write_ahead_log


def test_the_production_profile_uses_the_production_endpoints_with_their_store_defaults() -> None:
    endpoints, environment = endpoints_environment(Settings(profile="production"))
    assert (endpoints, environment["REDIS_LOCK_DB"], environment["RASA_TRACKER_DB"]) == (
        "endpoints.production.yml", "1", "rasa_tracker")


def test_every_secret_setting_is_exported_for_the_endpoints_to_refer_to() -> None:
    settings = Settings(profile="embedded", action_server_token="a-token-the-endpoints-send")
    _, environment = endpoints_environment(settings)
    assert (environment["ACTION_SERVER_TOKEN"], environment["RASA_TOKEN"]) == (
        "a-token-the-endpoints-send", settings.rasa_token)


def test_the_embedded_profile_keeps_conversation_locks_in_a_file_beside_the_tracker_store() -> None:
    endpoints, environment = endpoints_environment(Settings(profile="embedded"))
    tracker, locks = environment["RASA_TRACKER_DB"], environment["RASA_LOCK_DB"]
    assert (endpoints, locks.endswith("rasa-locks.db"), Path(locks).parent == Path(tracker).parent) == (
        "endpoints.yml", True, True)


def test_the_tracker_store_file_is_put_in_write_ahead_log_mode(tmp_path: Path) -> None:
    database = tmp_path / "var" / "rasa-tracker.db"
    use_write_ahead_log(database)
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
