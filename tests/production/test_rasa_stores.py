"""The production profile's Rasa stores (endpoints.production.yml) against the local PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from assistant.db import make_engine
from tests.databases import fresh_postgres_url
from assistant.local_stack import ROOT

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


@pytest.fixture(scope="module")
def observed() -> Iterator[dict]:
    """What Rasa's stores did with one conversation, and the tracker database it used."""
    conversation_id = f"production-profile-{uuid.uuid4().hex[:8]}"
    for url in fresh_postgres_url():
        database = url.rsplit("/", 1)[1]
        # What dialogue/launcher.py exports in the production profile, with a database of the test's own.
        env = {**os.environ, "RASA_TRACKER_DB_HOST": "127.0.0.1", "RASA_TRACKER_DB_PORT": "5432",
               "RASA_TRACKER_DB_USER": "postgres", "RASA_TRACKER_DB_PASSWORD": "", "RASA_TRACKER_DB": database,
               "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_LOCK_DB": "1",
               "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook", "ACTION_SERVER_TOKEN": "unused-here",
               "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        run = subprocess.run([str(RASA_PYTHON), str(ROOT / "tests" / "production" / "rasa_stores.py"), conversation_id],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-3000:]
        engine = make_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :id"),
                                {"id": conversation_id}).scalar_one()
        engine.dispose()
        yield {**json.loads(run.stdout.strip().splitlines()[-1]), "rows_in_postgres": rows}


def test_the_tracker_store_is_rasas_sql_store_and_the_lock_store_is_redis(observed: dict) -> None:
    assert (observed["tracker_store"], observed["lock_store"]) == ("SQLTrackerStore", "RedisLockStore")


def test_a_conversation_saved_by_one_store_is_read_back_by_another(observed: dict) -> None:
    assert observed["read_back"] == ["what's my balance?", "Your Everyday Current Account has £10.00."]


def test_the_conversation_is_stored_in_postgresql(observed: dict) -> None:
    assert observed["rows_in_postgres"] >= 3


def test_a_second_worker_waits_for_the_first_to_release_the_conversation(observed: dict) -> None:
    assert observed["locks"] == ["first acquired", "first released", "second acquired"]
