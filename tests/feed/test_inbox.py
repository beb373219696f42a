"""The feed's inbox on both stores: a batch is committed once per transaction id with its refusals dead-lettered,
drains apply each record exactly once (concurrent ones included), and what cannot be applied is dead-lettered."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from assistant.alerts.histories import ScorerPool
from assistant.alerts.records import RecordLimits
from assistant.alerts.scorer import UnusualPurchaseScorer
from assistant.bank.models import Account, Transaction
from assistant.db import utcnow
from assistant.feed.dead_letters import retry_dead_letters
from assistant.feed.drain import DrainPolicy, InboxDrain
from assistant.feed.inbox import receive
from assistant.feed.models import FeedDeadLetter, FeedInboxRecord
from assistant.leases import claim
from tests.builders import build_customer
from tests.feed.conftest import record

LIMITS = RecordLimits()


@pytest.fixture
def bank(engine: Engine) -> Engine:
    """Two customers (ids 1 and 2) in a fresh database of either store."""
    with Session(engine) as session:
        build_customer(session, 1)
        build_customer(session, 2)
        session.commit()
    return engine


def transfer(transaction_id: str, **changes) -> dict:
    """A well-formed incoming transfer to customer 1's current account (no card: nothing to score)."""
    return record(transaction_id, **{"card_id": None, "channel": "transfer", "amount": "10.00",
                                     "merchant": "Acme Payroll", "category": "income", **changes})


def drain_for(engine: Engine, worker: str = "test-worker", **policy) -> InboxDrain:
    return InboxDrain(engine, ScorerPool(UnusualPurchaseScorer()), LIMITS, DrainPolicy(**policy), worker)


def drain_all(drain: InboxDrain) -> None:
    while drain.drain_once().claimed:
        pass


def booked(engine: Engine, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Transaction).where(*where)).one()


def pending(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(FeedInboxRecord)
                            .where(col(FeedInboxRecord.applied_at).is_(None))).one()


def letters(engine: Engine) -> list[FeedDeadLetter]:
    with Session(engine) as session:
        return list(session.exec(select(FeedDeadLetter).order_by(col(FeedDeadLetter.id))).all())


def test_a_batch_is_in_the_inbox_once_per_transaction_id_before_anything_is_applied(bank: Engine):
    first = receive(bank, [transfer("ib-1"), transfer("ib-2"), transfer("ib-1")], "core-banking", LIMITS)
    again = receive(bank, [transfer("ib-2"), transfer("ib-3")], "cards", LIMITS)
    assert (first.accepted, first.duplicates) == (["ib-1", "ib-2"], ["ib-1"])
    assert (again.accepted, again.duplicates) == (["ib-3"], ["ib-2"])
    assert again.as_json()["counts"] == {"accepted": 1, "duplicates": 1, "rejected": 0}
    with Session(bank) as session:
        rows = session.exec(select(FeedInboxRecord).order_by(col(FeedInboxRecord.id))).all()
    assert [(row.transaction_id, row.source, row.applied_at) for row in rows] == [
        ("ib-1", "core-banking", None), ("ib-2", "core-banking", None), ("ib-3", "cards", None)]
    assert booked(bank, col(Transaction.external_id).like("ib-%")) == 0  # nothing booked yet


def test_a_malformed_record_is_a_dead_letter_with_its_reason_and_the_record_as_sent(bank: Engine):
    bad = transfer("ib-9", amount="-2500000.00")
    receipt = receive(bank, [transfer("ib-1"), bad, "not an object"], "core-banking", LIMITS)
    [over_limit, not_an_object] = letters(bank)
    assert receipt.accepted == ["ib-1"]
    assert [refusal.as_json()["dead_letter_id"] for refusal in receipt.refused] == [over_limit.id, not_an_object.id]
    assert (over_limit.stage, over_limit.transaction_id, over_limit.record) == ("received", "ib-9", bad)
    assert "limit" in over_limit.reason
    assert (not_an_object.record, not_an_object.reason) == ("not an object", "each record must be a JSON object")


def test_a_drain_books_each_record_once_and_marks_it_applied(bank: Engine):
    receive(bank, [transfer(f"ib-{n}") for n in range(25)], "core-banking", LIMITS)
    with Session(bank) as session:
        before = session.get(Account, 1).balance_minor
    drain_all(drain_for(bank, batch_size=10))
    receive(bank, [transfer("ib-3")], "core-banking", LIMITS)  # sent again after it was applied: still known
    drain_all(drain_for(bank))
    with Session(bank) as session:
        outcomes = set(session.exec(select(FeedInboxRecord.outcome)).all())
        after = session.get(Account, 1).balance_minor
    assert booked(bank, col(Transaction.external_id).like("ib-%")) == 25
    assert after - before == 25 * 1000
    assert (pending(bank), outcomes) == (0, {"booked"})


def test_a_record_booked_before_it_reached_the_inbox_is_applied_as_a_duplicate(bank: Engine):
    with Session(bank) as session:
        session.add(Transaction(external_id="ib-known", customer_id=1, account_id=1, booked_at=utcnow(), amount_minor=1000,
                                currency="GBP", merchant="Acme Payroll", category="income", channel="transfer"))
        session.commit()
        known = "ib-known"
    receive(bank, [transfer(known)], "core-banking", LIMITS)
    drain_all(drain_for(bank))
    with Session(bank) as session:
        [row] = session.exec(select(FeedInboxRecord)).all()
    assert (row.outcome, booked(bank, Transaction.external_id == known)) == ("duplicate", 1)


def test_a_record_refused_when_applied_moves_to_the_dead_letters_with_the_reason(bank: Engine):
    with Session(bank) as session:
        someone_elses = session.exec(select(Account.id).where(Account.customer_id == 2)).first()
    receive(bank, [transfer("ib-1"), transfer("ib-2", account_id=someone_elses)], "core-banking", LIMITS)
    drain_all(drain_for(bank))
    [letter] = letters(bank)
    with Session(bank) as session:
        inbox = session.exec(select(FeedInboxRecord.transaction_id)).all()
    assert (letter.stage, letter.transaction_id) == ("applied", "ib-2")
    assert f"account {someone_elses} is not an account of customer 1" in letter.reason
    assert letter.record["account_id"] == someone_elses
    assert inbox == ["ib-1"] and booked(bank, Transaction.external_id == "ib-2") == 0


def test_a_dead_workers_claims_are_taken_over_once_their_lease_has_run_out(bank: Engine):
    receive(bank, [transfer(f"ib-{n}") for n in range(5)], "core-banking", LIMITS)
    assert len(claim(bank, FeedInboxRecord, "dead-worker", utcnow(), timedelta(seconds=30), 3,
                     col(FeedInboxRecord.applied_at).is_(None))) == 3
    drain_all(drain_for(bank))
    assert (booked(bank, col(Transaction.external_id).like("ib-%")), pending(bank)) == (2, 3)
    later = utcnow() + timedelta(seconds=31)
    drain_for(bank).drain_once(now=later)
    assert (booked(bank, col(Transaction.external_id).like("ib-%")), pending(bank)) == (5, 0)


def test_a_record_claimed_too_often_is_dead_lettered_instead_of_applied(bank: Engine):
    receive(bank, [transfer("ib-1")], "core-banking", LIMITS)
    with Session(bank) as session:  # as if workers had died on it four times
        session.execute(update(FeedInboxRecord).values(attempts=4))
        session.commit()
    drain_all(drain_for(bank, max_attempts=4))
    [letter] = letters(bank)
    assert (letter.transaction_id, letter.reason) == ("ib-1", "gave up after 4 attempts")
    assert booked(bank, Transaction.external_id == "ib-1") == 0 and pending(bank) == 0


def test_concurrent_drains_apply_every_record_exactly_once(bank: Engine):
    receive(bank, [transfer(f"ib-{n}") for n in range(300)], "core-banking", LIMITS)
    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def work(name: str) -> None:
        start.wait()
        try:
            drain_all(drain_for(bank, name, batch_size=20))
        except BaseException as problem:  # reported below: a thread's exception would vanish
            failures.append(problem)

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    with Session(bank) as session:
        doubled = session.exec(select(Transaction.external_id).group_by(Transaction.external_id)
                               .having(func.count() > 1)).all()
    assert failures == []
    assert (booked(bank, col(Transaction.external_id).like("ib-%")), doubled, pending(bank)) == (300, [], 0)


def test_dead_letters_are_listed_and_retried_from_the_command_line(bank: Engine, capsys: pytest.CaptureFixture):
    from assistant.__main__ import main

    url = bank.url.render_as_string(hide_password=False)
    receive(bank, [transfer("ib-1", currency="ZZZ"), transfer("ib-2", amount="-2500000.00")], "core-banking", LIMITS)
    assert main(["feed", "dead-letters", "--database-url", url]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(letter["transaction_id"], letter["stage"]) for letter in listed] == [("ib-1", "received"),
                                                                                  ("ib-2", "received")]
    assert "ISO 4217" in listed[0]["reason"] and "amount" in listed[0]["record_fields"]
    # Still malformed: left alone, and the command says so.
    assert main(["feed", "dead-letters", "--database-url", url, "--retry", str(listed[0]["id"])]) == 1


def test_a_retried_dead_letter_that_now_passes_goes_back_in_the_inbox(bank: Engine):
    receive(bank, [transfer("ib-1", amount="2500000.00")], "core-banking", LIMITS)
    [letter] = letters(bank)
    assert retry_dead_letters(bank, [letter.id], RecordLimits(max_amount_minor=10**9)) == [letter.id]
    drain_all(InboxDrain(bank, ScorerPool(UnusualPurchaseScorer()), RecordLimits(max_amount_minor=10**9)))
    assert (letters(bank), booked(bank, Transaction.external_id == "ib-1"), pending(bank)) == ([], 1, 0)
