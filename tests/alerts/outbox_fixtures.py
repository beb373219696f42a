"""Shared pieces of the outbox tests: alerts waiting in the outbox, and a push service that records what arrived."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.alerts.models import AlertKind, OutboxMessage
from assistant.alerts.outbox import IDEMPOTENCY_HEADER
from assistant.alerts.raising import raise_alert
from assistant.bank.models import Transaction
from tests.builders import AS_OF, build_customer


def queue_alerts(engine: Engine, count: int, with_purchases: bool = False) -> list[OutboxMessage]:
    """One customer with `count` unusual-purchase alerts waiting in the outbox (and, `with_purchases`, the card
    payments core-0, core-1, ... they are about, as the gateway looks them up)."""
    with Session(engine, expire_on_commit=False) as session:
        records = build_customer(session, 1)
        for number in range(count):
            if with_purchases:
                session.add(Transaction(external_id=f"core-{number}", customer_id=records.customer.id,
                                        account_id=records.current.id, card_id=records.debit_card.id,
                                        booked_at=AS_OF, amount_minor=-(10_000 + number), merchant="Joias do Rio",
                                        category="jewellery", channel="card_present"))
            raise_alert(session, records.customer.id, AlertKind.unusual_purchase, f"unusual_purchase:core-{number}",
                        "first purchase in Brazil", {"transaction_id": f"core-{number}"})
        session.commit()
    return messages(engine)


def messages(engine: Engine) -> list[OutboxMessage]:
    """Every outbox message, by id."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


@dataclass
class PushService:
    """A local webhook answering `failures` times with `status`, then 202; records the keys it accepted."""

    failures: int = 0
    status: int = 503
    received: list[tuple[str, dict]] = field(default_factory=list)
    calls: int = 0

    async def push(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.calls <= self.failures:
            return web.json_response({"status": "no"}, status=self.status)
        self.received.append((request.headers[IDEMPOTENCY_HEADER], await request.json()))
        return web.json_response({"status": "ok"}, status=202)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/push", self.push)
        return app
