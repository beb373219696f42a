"""`alerts dead-letters`: lists what the outbox gave up on, with the reason, and puts it back on request."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from assistant.__main__ import main as assistant_main
from assistant.alerts.__main__ import main as alerts_main
from assistant.alerts.outbox_claims import claim_due, dead_letter
from assistant.db import create_schema, make_engine, utcnow
from tests.alerts.outbox_fixtures import messages, queue_alerts


@pytest.fixture
def bank(tmp_path: Path) -> tuple[str, Engine]:
    """A SQLite bank with three outbox messages, the first two dead-lettered."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    engine = make_engine(url)
    create_schema(engine)
    first, second, _ = queue_alerts(engine, 3)
    claim_due(engine, "w", utcnow(), timedelta(seconds=30), 2)
    dead_letter(engine, first.id, "w", "refused: push service answered 400", utcnow())
    dead_letter(engine, second.id, "w", "gave up after 12 attempts: push service answered 503", utcnow())
    yield url, engine
    engine.dispose()


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_list_shows_each_dead_letter_with_its_reason(bank, capsys):
    url, engine = bank
    assert assistant_main(["alerts", "dead-letters", "--database-url", url]) == 0
    listed = _lines(capsys)
    first, second, _ = messages(engine)
    assert [(d["id"], d["event"], d["reason"]) for d in listed] == [
        (first.id, "unusual_purchase", "refused: push service answered 400"),
        (second.id, "unusual_purchase", "gave up after 12 attempts: push service answered 503")]


def test_retry_by_id_puts_that_one_back_due_now_with_a_fresh_count(bank, capsys):
    url, engine = bank
    first, second, _ = messages(engine)
    assert alerts_main(["--database-url", url, "dead-letters", "--retry", str(first.id)]) == 0
    retried, still_dead, _ = messages(engine)
    assert (retried.dead_at, retried.dead_reason, retried.attempts) == (None, None, 0)
    assert retried.next_attempt_at <= utcnow() and still_dead.dead_at is not None
    assert [m.id for m in claim_due(engine, "w2", utcnow(), timedelta(seconds=30), 10)] == [first.id, messages(engine)[2].id]


def test_retry_all_puts_every_dead_letter_back(bank, capsys):
    url, engine = bank
    assert alerts_main(["--database-url", url, "dead-letters", "--retry-all"]) == 0
    assert [m.dead_at for m in messages(engine)] == [None, None, None]
    assert "put 2 dead letters back" in capsys.readouterr().out


def test_retrying_an_id_that_is_not_a_dead_letter_says_so_and_changes_nothing(bank, capsys):
    url, engine = bank
    pending = messages(engine)[2]
    assert alerts_main(["--database-url", url, "dead-letters", "--retry", str(pending.id), "9999"]) == 1
    assert f"left alone: [{pending.id}, 9999]" in capsys.readouterr().err
    assert [m.dead_at is not None for m in messages(engine)] == [True, True, False]
