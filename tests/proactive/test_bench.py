"""The proactive benchmark times real acceptances: every new key recorded sent, every repeat answered as one."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.proactive.bench import bench_proactive
from assistant.proactive.models import ProactiveDelivery
from tests.builders import build_customer


def test_the_benchmark_records_each_new_key_once_and_reports_each_measure(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        build_customer(session, 1)
        build_customer(session, 2)
    results = bench_proactive(sqlite_engine, rounds=5)
    with Session(sqlite_engine) as session:
        deliveries = session.exec(select(ProactiveDelivery)).all()
    assert {name: r["runs"] for name, r in results.items()} == {
        "verify_and_parse": 5, "accept_new_key_and_mark_sent": 5, "accept_repeated_key": 5}
    assert sorted((d.idempotency_key, d.status) for d in deliveries) == [(f"new-{i}", "sent") for i in range(5)]
