"""Fault: 100 transfers from one account race each other and the feed, in separate OS processes (each with its own
connections), on PostgreSQL and on a SQLite file. Each transfer is sent twice (by two processes, as a customer's
retry would be), each feed record twice (by two feed workers, in different orders); together they ask for more
than the account holds, so some transfers must be refused.

Checked: no transfer overdrew the account, no update was lost (the final balance is the opening balance plus
exactly what the workers say was applied), each transfer and each feed record was applied exactly once, and the
ledger check is clean.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from assistant.bank.ledger import check_ledger
from assistant.bank.models import Account, LedgerEntry, Transaction, Transfer
from assistant.db import create_schema, make_engine
from tests.builders import build_customer
from tests.databases import fresh_postgres_url

TRANSFERS = 100
TRANSFER_WORKERS = 4  # each transfer is sent by two of them
FEED_RECORDS = 60
FEED_WORKERS = 2  # each sends every record, in its own order
FEED_BATCH = 10
TRANSFER_PAUSE = 0.01  # seconds between one worker's transfers
FEED_TRANSFERS_APART = 4  # a feed batch waits for this many more transfers than the one before
OPENING = 60_000  # £600; the transfers ask for about £1,250 and the feed brings about £300 net
RUN_TIMEOUT = 40.0


@dataclass(frozen=True)
class Bank:
    """The racing account and what the workers need to reach it."""

    url: str
    engine: Engine
    customer_id: int
    account_id: int
    payee_id: int


@pytest.fixture(params=["postgres", "sqlite"])
def bank(request, tmp_path: Path) -> Iterator[Bank]:
    """A customer whose current account holds £600 with no overdraft and no practical daily limit."""
    urls = fresh_postgres_url() if request.param == "postgres" else iter([f"sqlite:///{tmp_path / 'bank.db'}"])
    for url in urls:
        engine = make_engine(url)
        create_schema(engine)
        with Session(engine, expire_on_commit=False) as session:
            records = build_customer(session)
            records.current.balance_minor = records.current.opening_balance_minor = OPENING
            records.current.overdraft_limit_minor = 0
            records.customer.daily_transfer_limit_minor = 10**9
            session.add_all([records.current, records.customer])
            session.commit()
            yield Bank(url, engine, records.customer.id, records.current.id, records.payees["Mum"].id)
        engine.dispose()


def _transfer_amount(index: int) -> int:
    return 1_000 + (index * 37) % 500  # £10.00 to £14.99


def _feed_amount(index: int) -> int:
    return -(200 + index * 7) if index % 4 == 0 else 500 + (index * 13) % 400  # a debit for every three credits


def _transfer_worker(url: str, customer_id: int, account_id: int, payee_id: int, jobs: list[int],
                     start, results) -> None:
    """Send each transfer in its own transaction through execute_transfer; report what each one did."""
    from assistant.bank.transfers import TransferRefused, execute_transfer

    engine = make_engine(url)
    outcomes = []
    start.wait(timeout=RUN_TIMEOUT)
    for index in jobs:
        amount = Decimal(_transfer_amount(index)) / 100
        with Session(engine, expire_on_commit=False) as session:
            try:
                result = execute_transfer(session, customer_id, f"race-{index}", account_id, payee_id, amount,
                                          datetime.now(timezone.utc))
                session.commit()
                outcomes.append((index, "repeated" if result.repeated else "sent"))
            except TransferRefused:
                session.rollback()
                outcomes.append((index, "refused"))
            except Exception as problem:  # reported, so the test fails saying what went wrong
                outcomes.append((index, f"error: {type(problem).__name__}: {problem}"))
        # A customer's transfers come a moment apart. Back to back, four workers kept SQLite's write lock taken so
        # constantly that the feed's busy handler never got it until they were done: no race at all.
        time.sleep(TRANSFER_PAUSE)
    engine.dispose()
    results.put(("transfers", outcomes))


def _wait_for_transfers(engine: Engine, account_id: int, entries: int) -> None:
    """Until the account has this many transfer entries in the ledger (or the run's time is up)."""
    deadline = time.monotonic() + RUN_TIMEOUT / 2
    while time.monotonic() < deadline:
        with Session(engine) as session:
            booked = session.exec(select(func.count()).select_from(LedgerEntry).where(
                LedgerEntry.account_id == account_id, col(LedgerEntry.source_id).startswith("transfer:"))).one()
        if booked >= entries:
            return
        time.sleep(0.01)


def _feed_worker(url: str, customer_id: int, account_id: int, order: list[int], start, results) -> None:
    """Post the feed's records in batches through the real ingestion (validate, then ingest)."""
    from assistant.alerts.histories import ScorerPool
    from assistant.alerts.ingestion import ingest, validate
    from assistant.alerts.scorer import UnusualPurchaseScorer

    engine = make_engine(url)
    pool = ScorerPool(UnusualPurchaseScorer(threshold=float("inf")))
    booked_at = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    raw = [{"transaction_id": f"feed-{i}", "customer_id": customer_id, "account_id": account_id,
            "booked_at": booked_at, "amount": str(Decimal(_feed_amount(i)) / 100), "currency": "GBP",
            "merchant": "Payroll Ltd" if _feed_amount(i) > 0 else "British Gas", "category": "income",
            "channel": "transfer" if _feed_amount(i) > 0 else "direct_debit"} for i in order]
    accepted, errors = [], []
    start.wait(timeout=RUN_TIMEOUT)
    for batch, first in enumerate(range(0, len(raw), FEED_BATCH)):
        # Each batch waits for the transfers to get further (readers do not wait on writers: WAL, MVCC), so the
        # postings land among the transfers whichever process the scheduler favours.
        _wait_for_transfers(engine, account_id, FEED_TRANSFERS_APART * batch + 1)
        good, rejected = validate(raw[first:first + FEED_BATCH], "core-banking")
        errors += [rejection.reason for rejection in rejected]
        try:
            with Session(engine, expire_on_commit=False) as session:
                result = ingest(session, good, pool)
            accepted += result.accepted
            errors += [rejection.reason for rejection in result.rejected]
        except Exception as problem:
            errors.append(f"{type(problem).__name__}: {problem}")
    engine.dispose()
    results.put(("feed", (accepted, errors)))


def _race(bank: Bank) -> tuple[list[tuple[int, str]], list[str], list[str], float]:
    """Run every worker at once; what the transfer workers and the feed workers say they did, and the time."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(TRANSFER_WORKERS + FEED_WORKERS + 1)
    results = context.Queue()
    rng = random.Random(14)
    workers = []
    for w in range(TRANSFER_WORKERS):
        jobs = [i for i in range(TRANSFERS) if i % TRANSFER_WORKERS in (w, (w + 1) % TRANSFER_WORKERS)]
        rng.shuffle(jobs)
        workers.append(context.Process(target=_transfer_worker, args=(
            bank.url, bank.customer_id, bank.account_id, bank.payee_id, jobs, start, results)))
    orders = [list(range(FEED_RECORDS)), list(reversed(range(FEED_RECORDS)))]
    workers += [context.Process(target=_feed_worker, args=(bank.url, bank.customer_id, bank.account_id, order,
                                                            start, results)) for order in orders]
    for worker in workers:
        worker.start()
    start.wait(timeout=RUN_TIMEOUT)  # every worker has imported and connected: the race starts now
    began = time.monotonic()
    transfers, accepted, errors = [], [], []
    try:
        for _ in workers:
            kind, reported = results.get(timeout=RUN_TIMEOUT)
            if kind == "transfers":
                transfers += reported
            else:
                accepted += reported[0]
                errors += reported[1]
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    return transfers, accepted, errors, time.monotonic() - began


def test_concurrent_transfers_and_feed_postings_lose_nothing_double_nothing_and_never_overdraw(bank: Bank) -> None:
    transfers, feed_applied, feed_errors, seconds = _race(bank)
    outcomes = Counter(outcome for _, outcome in transfers)
    sent = [index for index, outcome in transfers if outcome == "sent"]
    with Session(bank.engine) as session:
        balance = session.get(Account, bank.account_id).balance_minor
        rows = session.exec(select(Transfer)).all()
        debit_floor = min(session.exec(select(LedgerEntry.balance_after_minor)
                                       .where(col(LedgerEntry.source_id).startswith("transfer:"))).all(),
                          default=OPENING)
        feed_booked = session.exec(select(Transaction.external_id)
                                   .where(col(Transaction.external_id).startswith("feed-"))).all()
        entries = session.exec(select(LedgerEntry.source_id).order_by(LedgerEntry.id)).all()
        ledger = check_ledger(session)
    expected = OPENING - sum(_transfer_amount(i) for i in sent) + sum(
        _feed_amount(int(tid.removeprefix("feed-"))) for tid in feed_applied)
    transfer_positions = [n for n, source in enumerate(entries) if source.startswith("transfer:")]
    interleaved = sum(1 for source in entries[min(transfer_positions, default=0):max(transfer_positions, default=0)]
                      if source.startswith("feed:"))
    print(f"\n[{bank.engine.dialect.name}] {len(transfers)} transfer requests for {TRANSFERS} transfers: "
          f"{outcomes['sent']} sent, {outcomes['repeated']} repeats answered with the first, {outcomes['refused']} "
          f"refused for funds; {FEED_WORKERS * FEED_RECORDS} feed postings of {FEED_RECORDS} records: "
          f"{len(feed_applied)} applied; final balance {balance} (expected {expected}); lowest balance after a "
          f"transfer {debit_floor}; {len(entries)} ledger entries ({interleaved} feed postings between the first and the last transfer); ledger clean: {ledger.clean}; {seconds:.1f} s")
    assert [outcome for outcome in outcomes if outcome not in ("sent", "repeated", "refused")] == [], transfers
    assert feed_errors == []
    assert len(transfers) == 2 * TRANSFERS
    assert outcomes["sent"] > 0 and outcomes["refused"] > 0  # the account could not pay for them all
    assert interleaved > 0  # the feed really posted while the transfers ran
    # Each transfer exactly once: sent by one request at most, and one transfer row and one ledger entry per send.
    assert (max(Counter(sent).values()), sorted(sent)) == (1, sorted(int(t.idempotency_key[5:]) for t in rows))
    assert sorted(e for e in entries if e.startswith("transfer:")) == sorted(f"transfer:{t.id}:debit" for t in rows)
    # Each feed record exactly once, though each was posted twice.
    assert (sorted(feed_applied), sorted(feed_booked)) == (sorted(f"feed-{i}" for i in range(FEED_RECORDS)),) * 2
    assert debit_floor >= 0  # no transfer took the account below its (zero) overdraft limit
    assert balance == expected  # no lost update
    assert ledger.clean, ledger.discrepancies
