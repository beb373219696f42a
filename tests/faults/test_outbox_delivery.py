"""Fault: two real outbox workers, one SIGKILLed mid-batch, while the gateway behind the real push simulator
answers 503 for a while and then 200. Every alert arrives, and no key is accepted twice by the gateway side.

The gateway is a recording endpoint of the harness (a real gateway needs Rasa): it checks the simulator's
signature and counts deliveries per idempotency key, as the gateway's idempotency would.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from assistant.alerts.models import OutboxMessage
from assistant.db import create_schema, make_engine
from assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from tests.alerts.outbox_fixtures import queue_alerts
from tests.databases import fresh_postgres_url
from tests.faults.harness import RecordingEndpoint, Services, free_port, wait_for

ALERTS = 120
SECRET = "fault-test-proactive-secret"
OUTAGE_ANSWERS = 30  # 503s the gateway side gives before it recovers
# Short leases and waits keep the test to seconds; a send (timeout: half the lease) ends well within its lease.
OUTBOX = {"OUTBOX_LEASE_SECONDS": "3", "OUTBOX_BATCH_SIZE": "10", "OUTBOX_MAX_ATTEMPTS": "1000",
          "OUTBOX_BACKOFF_SECONDS": "0.1", "OUTBOX_BACKOFF_MAX_SECONDS": "0.5"}


@pytest.fixture(params=["postgres", "sqlite"])
def database(request, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A fresh bank (PostgreSQL, then a SQLite file) with the alerts waiting in the outbox."""
    urls = fresh_postgres_url() if request.param == "postgres" else iter([f"sqlite:///{tmp_path / 'bank.db'}"])
    for url in urls:
        engine = make_engine(url)
        create_schema(engine)
        queue_alerts(engine, ALERTS)
        yield url, engine
        engine.dispose()


@pytest.fixture
def gateway() -> Iterator[RecordingEndpoint]:
    """The gateway side: down (503) at first, a little slow, so a batch takes long enough to be cut."""
    endpoint = RecordingEndpoint(status=503, delay_seconds=0.02)
    yield endpoint
    endpoint.close()


@pytest.fixture
def services(tmp_path: Path, database, gateway) -> Iterator[Services]:
    url, _ = database
    env = {**os.environ, "ASSISTANT_PROFILE": "embedded", "DATABASE_URL": url, "PROACTIVE_SECRET": SECRET,
           "PROACTIVE_URL": gateway.url("/api/v1/proactive"), "LOG_LEVEL": "INFO", **OUTBOX}
    running = Services(tmp_path, env)
    yield running
    running.stop_all()


def _held_by(engine: Engine, pid: int) -> int:
    """How many undelivered messages the worker process `pid` holds a claim on."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxMessage).where(
            col(OutboxMessage.claimed_by).contains(f":{pid}:"), col(OutboxMessage.delivered_at).is_(None))).one()


def _undelivered(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxMessage)
                            .where(col(OutboxMessage.delivered_at).is_(None))).one()


def test_every_alert_is_accepted_once_though_a_worker_dies_mid_batch_during_a_push_outage(
        database, gateway: RecordingEndpoint, services: Services):
    _, engine = database
    port = free_port()
    services.python("push", ["assistant.push_simulator"], ready_url=f"http://127.0.0.1:{port}/healthz",
                    env={"PUSH_SIMULATOR_PORT": str(port)})
    deliver = ["assistant.alerts", "deliver", "--forever", "--interval", "0.1",
               "--url", f"http://127.0.0.1:{port}/push"]
    doomed = services.python("outbox-1", deliver)
    survivor = services.python("outbox-2", deliver)

    wait_for(lambda: len(gateway.received) >= OUTAGE_ANSWERS, 30, "the outbox to retry through the outage")
    gateway.status = 200
    wait_for(lambda: sum(r.status == 200 for r in gateway.received) >= 10 and _held_by(engine, doomed.process.pid),
             30, "the first worker to be midway through a batch")
    held_when_killed = _held_by(engine, doomed.process.pid)
    doomed.kill()
    wait_for(lambda: _undelivered(engine) == 0, 60, "every alert to be delivered")

    with Session(engine) as session:
        messages = session.exec(select(OutboxMessage)).all()
    accepted = [r for r in gateway.received if r.status == 200]
    assert all(verify(r.body, r.headers[TIMESTAMP_HEADER], r.headers[SIGNATURE_HEADER], SECRET) for r in accepted)
    per_key = Counter(json.loads(r.body)["idempotency_key"] for r in accepted)
    # At least once: every alert reached the gateway. A second copy can only be the one message the killed
    # worker had sent but not yet marked delivered; the gateway's idempotency key drops it.
    assert set(per_key) == {m.idempotency_key for m in messages}
    redelivered = sum(count - 1 for count in per_key.values())
    assert redelivered <= 1, ({key: count for key, count in per_key.items() if count > 1},
                              services.started["outbox-2"].log_tail(), doomed.log_tail())
    assert held_when_killed > 0 and survivor.running
    assert [m.id for m in messages if m.dead_at is not None] == []
    print(f"\noutbox fault: alerts {ALERTS}, outage 503s {sum(r.status == 503 for r in gateway.received)}, "
          f"claims held by the killed worker {held_when_killed}, delivered {len(per_key)}, "
          f"second copies {redelivered} (of keys {sorted(k[-6:] for k, c in per_key.items() if c > 1)}), "
          f"dead-lettered 0")
