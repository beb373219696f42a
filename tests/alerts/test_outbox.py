"""Outbox delivery: at least once with the idempotency key, back-off with jitter after a failure, and a dead
letter for a permanent refusal or too many attempts."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine

from assistant.alerts.outbox import DeliveryPolicy, OutboxDelivery
from assistant.db import create_schema, make_engine, utcnow
from tests.alerts.outbox_fixtures import PushService, messages, queue_alerts

POLICY = DeliveryPolicy(max_attempts=3, backoff_seconds=1.0, backoff_max_seconds=30.0, timeout_seconds=2.0)


@pytest.fixture
def pending(sqlite_engine: Engine) -> Engine:
    """A bank with one alert waiting in the outbox."""
    queue_alerts(sqlite_engine, 1)
    return sqlite_engine


async def _pass(engine: Engine, url: str, later: timedelta = timedelta(0)):
    async with aiohttp.ClientSession() as http:
        return await OutboxDelivery(engine, http, url, POLICY).deliver_due(now=utcnow() + later)


async def test_a_503_reschedules_the_message_within_its_backoff_and_a_later_pass_delivers_it(pending, aiohttp_server):
    service = PushService(failures=1)
    url = str((await aiohttp_server(service.app())).make_url("/push"))
    before = utcnow()
    first = await _pass(pending, url)
    [waiting] = messages(pending)
    assert (first.delivered, first.failed, waiting.attempts, waiting.claimed_by) == (0, 1, 1, None)
    assert before <= waiting.next_attempt_at <= utcnow() + timedelta(seconds=POLICY.backoff_seconds)
    second = await _pass(pending, url, later=timedelta(minutes=1))
    [done] = messages(pending)
    assert (second.delivered, done.attempts, done.dead_at) == (1, 2, None) and done.delivered_at is not None
    assert service.received == [(done.idempotency_key, done.payload)]


async def test_the_message_waits_while_nothing_listens_and_is_delivered_once_the_webhook_is_back(pending):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/push"
    down = await _pass(pending, url)
    [waiting] = messages(pending)
    assert (down.delivered, down.failed) == (0, 1) and "unreachable" in waiting.last_error
    service = PushService()
    server = TestServer(service.app(), port=port)
    await server.start_server()
    try:
        back = await _pass(pending, url, later=timedelta(minutes=1))
    finally:
        await server.close()
    assert back.delivered == 1
    assert [key for key, _ in service.received] == [waiting.idempotency_key]


async def test_a_delivered_message_is_not_sent_again(pending, aiohttp_server):
    service = PushService()
    url = str((await aiohttp_server(service.app())).make_url("/push"))
    await _pass(pending, url)
    again = await _pass(pending, url, later=timedelta(hours=1))
    assert (again.delivered, again.failed, service.calls) == (0, 0, 1)


@pytest.mark.parametrize("status", [400, 404, 422])
async def test_a_permanent_refusal_dead_letters_the_message_at_once_with_the_reason(pending, aiohttp_server, status):
    service = PushService(failures=1, status=status)
    url = str((await aiohttp_server(service.app())).make_url("/push"))
    report = await _pass(pending, url)
    later = await _pass(pending, url, later=timedelta(hours=1))
    [dead] = messages(pending)
    assert (report.dead_lettered, later.delivered, service.calls) == (1, 0, 1)
    assert dead.dead_at is not None and dead.delivered_at is None
    assert dead.dead_reason == f"refused: push service answered {status}"


@pytest.mark.parametrize("status", [408, 409, 429, 500, 503])
async def test_a_retryable_answer_is_retried_not_dead_lettered(pending, aiohttp_server, status):
    service = PushService(failures=1, status=status)
    url = str((await aiohttp_server(service.app())).make_url("/push"))
    report = await _pass(pending, url)
    [waiting] = messages(pending)
    assert (report.failed, report.dead_lettered, waiting.dead_at) == (1, 0, None)


async def test_the_last_allowed_attempt_failing_dead_letters_the_message(pending, aiohttp_server):
    service = PushService(failures=POLICY.max_attempts)
    url = str((await aiohttp_server(service.app())).make_url("/push"))
    reports = [await _pass(pending, url, later=timedelta(hours=hour)) for hour in range(POLICY.max_attempts + 1)]
    [dead] = messages(pending)
    assert [r.dead_lettered for r in reports] == [0, 0, 1, 0]
    assert (dead.attempts, service.calls, service.received) == (3, 3, [])
    assert dead.dead_reason == "gave up after 3 attempts: push service answered 503"


def test_backoff_is_random_and_bounded_by_the_doubling_cap():
    policy = DeliveryPolicy(backoff_seconds=2.0, backoff_max_seconds=60.0)
    for attempts, cap in ((1, 2.0), (3, 8.0), (5, 32.0), (9, 60.0)):
        waits = [policy.wait_after(attempts).total_seconds() for _ in range(200)]
        assert all(0 <= wait <= cap for wait in waits), attempts
        assert max(waits) > cap / 2 and len(set(waits)) > 100, attempts  # jittered, reaching towards the cap


def test_a_policy_whose_send_could_outlast_its_lease_is_refused():
    with pytest.raises(ValueError, match="within its lease"):
        DeliveryPolicy(lease=timedelta(seconds=2), timeout_seconds=5.0)


async def test_a_worker_carries_on_through_a_database_outage(tmp_path, aiohttp_server, caplog):
    ready = tmp_path / "ready.db"
    engine = make_engine(f"sqlite:///{ready}")
    create_schema(engine)
    queue_alerts(engine, 1)
    engine.dispose()
    path = tmp_path / "bank.db"
    path.mkdir()  # until it is replaced by the database, opening it fails as an unreachable server would
    service = PushService()
    url = str((await aiohttp_server(service.app())).make_url("/push"))
    async with aiohttp.ClientSession() as http:
        worker = asyncio.create_task(OutboxDelivery(make_engine(f"sqlite:///{path}"), http, url, POLICY)
                                     .run_forever(interval=0.02))
        await _until(lambda: worker.done() or caplog.text.count("database error") >= 2)
        assert not worker.done()
        path.rmdir()
        ready.rename(path)
        await _until(lambda: bool(service.received))
        worker.cancel()
    assert len(service.received) == 1


async def _until(condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
