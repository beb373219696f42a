"""Fault: two real outbox workers, one SIGKILLed mid-batch, delivering through the real push simulator and the
real gateway while the assistant behind them answers 503 for a while and then 200. Every alert is shown in the
customer's conversation exactly once.

The chain is outbox workers -> push simulator -> gateway (POST /api/v1/proactive, its idempotency keys) ->
Rasa. Rasa is the harness's recording endpoint (a real Rasa takes minutes to load), answering the gateway's
trigger_intent calls: each trigger it accepts is one message shown in the conversation.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from assistant.alerts.models import OutboxMessage
from assistant.db import create_schema, make_engine
from tests.alerts.outbox_fixtures import queue_alerts
from tests.databases import fresh_postgres_url
from tests.faults.harness import RecordingEndpoint, Services, free_port, wait_for

ALERTS = 120
OUTAGE_ANSWERS = 30  # 503s the assistant gives before it recovers
# Short leases and waits keep the test to seconds; a send (timeout: half the lease) ends well within its lease.
OUTBOX = {"OUTBOX_LEASE_SECONDS": "3", "OUTBOX_BATCH_SIZE": "10", "OUTBOX_MAX_ATTEMPTS": "1000",
          "OUTBOX_BACKOFF_SECONDS": "0.1", "OUTBOX_BACKOFF_MAX_SECONDS": "0.5"}
ANSWERED = re.compile(r'"POST /api/v1/proactive HTTP/1\.1" (\d{3}) ')


@pytest.fixture(params=["postgres", "sqlite"])
def database(request, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A fresh bank (PostgreSQL, then a SQLite file): a customer, card payments and their alerts in the outbox."""
    urls = fresh_postgres_url() if request.param == "postgres" else iter([f"sqlite:///{tmp_path / 'bank.db'}"])
    for url in urls:
        engine = make_engine(url)
        create_schema(engine)
        queue_alerts(engine, ALERTS, with_purchases=True)
        yield url, engine
        engine.dispose()


@pytest.fixture
def rasa() -> Iterator[RecordingEndpoint]:
    """The assistant: down (503) at first, a little slow, so that a worker's batch takes long enough to cut."""
    endpoint = RecordingEndpoint(status=503, delay_seconds=0.02,
                                 reply={"messages": [{"recipient_id": "x", "text": "Was this you?"}]})
    yield endpoint
    endpoint.close()


@pytest.fixture
def services(tmp_path: Path, database, rasa: RecordingEndpoint) -> Iterator[Services]:
    url, _ = database
    env = {**os.environ, "ASSISTANT_PROFILE": "embedded", "DATABASE_URL": url, "RASA_URL": rasa.url(""),
           "LOG_LEVEL": "INFO", "PROACTIVE_SECRET": "fault-test-proactive-secret-of-32-bytes", **OUTBOX,
           # The outage is the point: deliveries go out while the assistant answers 503 (its stand-in has no status
           # endpoint either), rather than waiting at start-up for it to report ready.
           "WAIT_FOR_READY": "0"}
    running = Services(tmp_path, env)
    yield running
    running.stop_all()


def _count(engine: Engine, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxMessage).where(*where)).one()


def _held_by(engine: Engine, pid: int) -> int:
    """How many undelivered messages the worker process `pid` holds a claim on."""
    return _count(engine, col(OutboxMessage.claimed_by).contains(f":{pid}:"), col(OutboxMessage.delivered_at).is_(None))


def _shown(rasa: RecordingEndpoint) -> Counter:
    """How often each transaction's alert was shown in the conversation (triggers the assistant accepted)."""
    return Counter(json.loads(r.body)["entities"]["transaction_id"] for r in rasa.received
                   if r.status == 200 and r.path.endswith("/trigger_intent"))


def test_every_alert_is_shown_once_though_a_worker_dies_mid_batch_during_an_outage(
        database, rasa: RecordingEndpoint, services: Services):
    _, engine = database
    gateway_port, push_port = free_port(), free_port()
    gateway = services.python("gateway", ["assistant.gateway"], ready_url=f"http://127.0.0.1:{gateway_port}/healthz",
                              env={"GATEWAY_PORT": str(gateway_port)})
    services.python("push", ["assistant.push_simulator"], ready_url=f"http://127.0.0.1:{push_port}/healthz",
                    env={"PUSH_SIMULATOR_PORT": str(push_port),
                         "PROACTIVE_URL": f"http://127.0.0.1:{gateway_port}/api/v1/proactive"})
    deliver = ["assistant.alerts", "deliver", "--forever", "--interval", "0.1",
               "--url", f"http://127.0.0.1:{push_port}/push"]
    doomed = services.python("outbox-1", deliver)
    survivor = services.python("outbox-2", deliver)

    wait_for(lambda: len(rasa.received) >= OUTAGE_ANSWERS, 30, "the outbox to retry through the outage")
    rasa.status = 200
    wait_for(lambda: sum(_shown(rasa).values()) >= 10 and _held_by(engine, doomed.process.pid), 30,
             "the first worker to be midway through a batch")
    held_when_killed = _held_by(engine, doomed.process.pid)
    doomed.kill()
    wait_for(lambda: _count(engine, col(OutboxMessage.delivered_at).is_(None)) == 0, 60,
             "every alert to be delivered")

    shown = _shown(rasa)
    answers = Counter(ANSWERED.findall(gateway.log_path.read_text()))
    assert set(shown) == {f"core-{n}" for n in range(ALERTS)}  # at least once, to the conversation
    assert [key for key, times in shown.items() if times > 1] == []  # and never twice
    assert _count(engine, col(OutboxMessage.dead_at).is_not(None)) == 0
    assert held_when_killed > 0 and survivor.running
    print(f"\noutbox fault: alerts {ALERTS}, outage 503s at the assistant {sum(r.status == 503 for r in rasa.received)}, "
          f"claims held by the killed worker {held_when_killed}, shown in the conversation {sum(shown.values())} "
          f"({len(shown)} alerts), gateway answers {dict(sorted(answers.items()))} (200s past {ALERTS}: repeats "
          f"replayed from the key), dead-lettered 0, shown twice 0")
