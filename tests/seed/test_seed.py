"""The synthetic bank: same seed, same bank; realistic, consistent history for every customer."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from assistant.bank.models import Account, Card, Customer, Payee, RecurringPayment, Transaction
from assistant.db import make_engine
from assistant.seed.generator import generate_customer
from assistant.seed.writer import BankAlreadySeeded, seed_bank

AS_OF = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]


def _digest(number: int, seed: int) -> str:
    rows = generate_customer(number, seed, AS_OF)
    return hashlib.sha256(repr((rows.customer, rows.accounts, rows.transactions, rows.payees)).encode()).hexdigest()


def test_the_same_seed_gives_the_same_customer() -> None:
    assert _digest(5, seed=7) == _digest(5, seed=7)


def test_a_different_seed_gives_a_different_customer() -> None:
    assert _digest(5, seed=7) != _digest(5, seed=8)


@pytest.mark.parametrize("number", range(4, 19))
def test_every_customer_has_thirteen_months_of_history_with_monthly_salary(number: int) -> None:
    rows = generate_customer(number, 7, AS_OF)
    months = {(t["booked_at"].year, t["booked_at"].month) for t in rows.transactions}
    salary_months = {(t["booked_at"].year, t["booked_at"].month) for t in rows.transactions if t["category"] == "salary"}
    assert (len(months) >= 13, len(salary_months) >= 12) == (True, True)


@pytest.mark.parametrize("number", range(1, 16))
def test_closing_balances_equal_the_last_running_balance(number: int) -> None:
    rows = generate_customer(number, 7, AS_OF)
    last = {}
    for t in sorted(rows.transactions, key=lambda t: (t["booked_at"], t["id"])):
        last[t["account_id"]] = t["balance_after_minor"]
    assert {a["id"]: a["balance_minor"] for a in rows.accounts if a["id"] in last} == last


def test_recurring_payments_fall_due_after_the_as_of_date() -> None:
    rows = generate_customer(9, 7, AS_OF)
    assert rows.recurring and all(r["next_date"] > AS_OF for r in rows.recurring)


def test_everyday_spending_covers_the_usual_categories() -> None:
    categories = Counter(t["category"] for t in generate_customer(1, 7, AS_OF).transactions)
    assert {"groceries", "dining", "transport", "utilities", "subscriptions", "rent", "salary"} <= set(categories)


def test_the_demo_customer_spends_abroad() -> None:
    rows = generate_customer(1, 7, AS_OF)
    assert any(t["country"] != "GB" for t in rows.transactions)


def test_unusual_purchases_are_labelled_when_asked_for() -> None:
    rows = generate_customer(12, 7, AS_OF, unusual_rate=1.0)
    labelled = {u["transaction_id"] for u in rows.unusual}
    assert labelled and labelled <= {t["id"] for t in rows.transactions}


def test_seeding_writes_demo_customer_one_with_its_payees_and_cards(engine: Engine) -> None:
    seed_bank(engine, customers=4, seed=7, as_of=AS_OF, progress=False)
    with Session(engine) as db:
        payees = set(db.exec(select(Payee.name).where(Payee.customer_id == 1)))
        kinds = {a.kind.value for a in db.exec(select(Account).where(Account.customer_id == 1))}
        cards = {c.kind for c in db.exec(select(Card).where(Card.customer_id == 1))}
    assert (payees, kinds, cards) == ({"Mum", "James Wilson", "Oakfield Lettings", "Easy Access Saver"},
                                      {"current", "savings", "credit_card"}, {"debit", "credit"})


def test_new_rows_after_seeding_get_fresh_ids(engine: Engine) -> None:
    seed_bank(engine, customers=2, seed=7, as_of=AS_OF, progress=False)
    with Session(engine) as db:
        before = db.exec(select(func.max(Transaction.id))).one()
        row = Transaction(external_id="after-seed", customer_id=1, account_id=1,
                          booked_at=datetime(2026, 11, 21, tzinfo=timezone.utc), amount_minor=-100, merchant="Tesco", category="groceries", channel="card_present")
        db.add(row)
        db.commit()
        assert row.id > before


def test_seeding_a_seeded_bank_is_refused(sqlite_engine: Engine) -> None:
    seed_bank(sqlite_engine, customers=1, seed=7, as_of=AS_OF, progress=False)
    with pytest.raises(BankAlreadySeeded):
        seed_bank(sqlite_engine, customers=1, seed=7, as_of=AS_OF, progress=False)


def test_the_command_with_if_empty_leaves_a_seeded_bank_unchanged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    command = [sys.executable, "-m", "assistant", "seed", "--customers", "3", "--as-of", "2026-11-20",
               "--database-url", url]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    again = subprocess.run(command + ["--if-empty"], cwd=ROOT, capture_output=True, text=True)
    with Session(make_engine(url)) as db:
        customers = db.exec(select(func.count()).select_from(Customer)).one()
    assert (again.returncode, "already seeded" in again.stdout, customers) == (0, True, 3)


def test_the_command_refuses_a_bad_date(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "assistant", "seed", "--as-of", "yesterday",
                             "--database-url", f"sqlite:///{tmp_path / 'b.db'}"], cwd=ROOT, capture_output=True, text=True)
    assert (result.returncode, "not a date" in result.stderr) == (2, True)


def test_bills_are_listed_as_recurring_payments(engine: Engine) -> None:
    seed_bank(engine, customers=2, seed=7, as_of=AS_OF, progress=False)
    with Session(engine) as db:
        merchants = set(db.exec(select(RecurringPayment.merchant).where(RecurringPayment.customer_id == 1)))
    assert {"Netflix", "Spotify", "Oakfield Lettings"} <= merchants
