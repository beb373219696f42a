"""Writing the synthetic bank to SQLite and PostgreSQL: the same seed gives the same bank, consistent row by row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from assistant.bank.catalogue import PRODUCTS
from assistant.bank.models import (
    Account,
    Card,
    Customer,
    DemoPersona,
    Payee,
    Product,
    ProductHolding,
    RecurringPayment,
    Transaction,
    UnusualPurchaseLabel,
)
from assistant.bank.money import from_minor
from assistant.bank.periods import Period
from assistant.bank.spending import spending_by_category
from assistant.db import create_schema, make_engine
from assistant.seed.writer import BankAlreadySeeded, mark_demo_personas, seed_bank
from tests.databases import fresh_postgres_url
from tests.seed.helpers import bank_digest

AS_OF = date(2026, 11, 20)


def _seeded(path: Path, customers: int, seed: int = 7) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    seed_bank(engine, customers=customers, seed=seed, as_of=AS_OF, progress=False)
    return engine


def test_the_same_seed_gives_an_identical_bank(tmp_path: Path) -> None:
    assert bank_digest(_seeded(tmp_path / "a.db", 6)) == bank_digest(_seeded(tmp_path / "b.db", 6))


def test_a_different_seed_gives_a_different_bank(tmp_path: Path) -> None:
    assert bank_digest(_seeded(tmp_path / "a.db", 6)) != bank_digest(_seeded(tmp_path / "b.db", 6, seed=8))


def test_the_first_customers_are_the_same_whatever_the_size_of_the_bank(tmp_path: Path) -> None:
    small, large = _seeded(tmp_path / "small.db", 4), _seeded(tmp_path / "large.db", 9)
    assert bank_digest(small, customers=4) == bank_digest(large, customers=4)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def small_bank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Twenty customers on each store, as of 20 November 2026, seeded once per store for this module's tests that
    take it (they only read it)."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path_factory.mktemp('small-bank') / 'bank.db'}"])
    else:
        urls = fresh_postgres_url(template=request.getfixturevalue("postgres_template"))
    for url in urls:
        engine = make_engine(url)
        create_schema(engine)
        seed_bank(engine, customers=20, seed=7, as_of=AS_OF, progress=False)
        yield engine
        engine.dispose()


def test_every_customer_is_paid_at_least_ten_times_even_when_pay_moves_away(small_bank: Engine) -> None:
    with Session(small_bank) as db:
        payments = db.exec(select(Transaction.customer_id).where(Transaction.category == "salary"))
        per_customer: dict[int, int] = defaultdict(int)
        for customer_id in payments:
            per_customer[customer_id] += 1
    assert sorted(per_customer) == list(range(1, 21)) and min(per_customer.values()) >= 10


def test_every_customer_has_thirteen_months_of_history(small_bank: Engine) -> None:
    with Session(small_bank) as db:
        spans = db.exec(select(func.min(Transaction.booked_at), func.max(Transaction.booked_at))
                        .group_by(Transaction.customer_id)).all()
    assert len(spans) == 20 and all((last - first).days >= 380 for first, last in spans)


def test_account_balances_equal_their_last_running_balance(small_bank: Engine) -> None:
    with Session(small_bank) as db:
        last_id = select(func.max(Transaction.id)).group_by(Transaction.account_id).scalar_subquery()
        last = dict(db.exec(select(Transaction.account_id, Transaction.balance_after_minor)
                            .where(Transaction.id.in_(last_id))).all())
        balances = dict(db.exec(select(Account.id, Account.balance_minor)).all())
    assert last == balances


def test_recurring_payments_fall_due_after_the_as_of_date(small_bank: Engine) -> None:
    with Session(small_bank) as db:
        due = db.exec(select(RecurringPayment.next_date)).all()
    assert len(due) >= 20 * 7 and min(due) > AS_OF


def test_holdings_match_the_accounts_and_products_come_from_the_catalogue(small_bank: Engine) -> None:
    with Session(small_bank) as db:
        held = sorted(db.exec(select(ProductHolding.customer_id, ProductHolding.product_code)).all())
        opened = sorted(db.exec(select(Account.customer_id, Account.product_code)).all())
        products = set(db.exec(select(Product.code)).all())
    assert (held, products) == (opened, {p.code for p in PRODUCTS})


def test_demo_customer_one_has_its_payees_cards_and_accounts(small_bank: Engine) -> None:
    with Session(small_bank) as db:
        payees = {p.name: p.account_id for p in db.exec(select(Payee).where(Payee.customer_id == 1))}
        accounts = {a.name: a.id for a in db.exec(select(Account).where(Account.customer_id == 1))}
        cards = {(c.kind, c.status.value) for c in db.exec(select(Card).where(Card.customer_id == 1))}
        name = db.get(Customer, 1).full_name
    assert (name, set(payees), payees["Easy Access Saver"], cards) == (
        "Alex Morgan", {"Mum", "James Wilson", "Oakfield Lettings", "Easy Access Saver"},
        accounts["Easy Access Saver"], {("debit", "active"), ("credit", "active")})


def test_the_seeder_marks_the_three_demo_customers_as_the_only_demo_personas(small_bank: Engine) -> None:
    with Session(small_bank) as db:
        assert sorted(db.exec(select(DemoPersona.customer_id)).all()) == [1, 2, 3]


def test_a_bank_seeded_before_personas_were_recorded_gets_them_marked(sqlite_engine: Engine) -> None:
    seed_bank(sqlite_engine, customers=4, seed=7, as_of=AS_OF, progress=False)
    with Session(sqlite_engine) as db:
        for persona in db.exec(select(DemoPersona)).all():
            db.delete(persona)
        db.commit()
    assert mark_demo_personas(sqlite_engine) == [1, 2, 3]


def test_unusual_purchases_are_labelled_in_the_bank(engine: Engine) -> None:
    seed_bank(engine, customers=8, seed=7, as_of=AS_OF, unusual_rate=1.0, progress=False)
    with Session(engine) as db:
        labelled = db.exec(select(Transaction.customer_id).join(
            UnusualPurchaseLabel, UnusualPurchaseLabel.transaction_id == Transaction.id)).all()
    # Demo customers 1 to 3 stay ordinary so demos are predictable.
    assert set(labelled) == set(range(4, 9))


def test_rows_added_after_seeding_get_fresh_ids(engine: Engine) -> None:
    seed_bank(engine, customers=2, seed=7, as_of=AS_OF, progress=False)
    with Session(engine) as db:
        before = db.exec(select(func.max(Transaction.id))).one()
        row = Transaction(external_id="after-seed", customer_id=1, account_id=1, amount_minor=-100,
                          booked_at=datetime(2026, 11, 21, tzinfo=timezone.utc), merchant="Tesco",
                          category="groceries", channel="card_present")
        db.add(row)
        db.commit()
        assert row.id > before


def test_seeding_a_seeded_bank_is_refused_and_changes_nothing(sqlite_engine: Engine) -> None:
    seed_bank(sqlite_engine, customers=2, seed=7, as_of=AS_OF, progress=False)
    before = bank_digest(sqlite_engine)
    with pytest.raises(BankAlreadySeeded):
        seed_bank(sqlite_engine, customers=2, seed=8, as_of=AS_OF, progress=False)
    assert bank_digest(sqlite_engine) == before


def test_money_moved_to_the_customers_own_accounts_is_not_counted_as_spending(small_bank: Engine) -> None:
    october = Period(datetime(2026, 10, 1, tzinfo=timezone.utc), datetime(2026, 11, 1, tzinfo=timezone.utc),
                     "October 2026")
    with Session(small_bank) as db:
        summary = spending_by_category(db, 1, october)
        paid_out = db.exec(select(Transaction).where(
            Transaction.customer_id == 1, Transaction.amount_minor < 0,
            Transaction.booked_at >= october.start, Transaction.booked_at < october.end)).all()
    own_moves = sum(-t.amount_minor for t in paid_out if t.merchant in {"Easy Access Saver", "Lumen credit card"})
    spent = sum(-t.amount_minor for t in paid_out) - own_moves
    assert (own_moves > 0, summary.total) == (True, from_minor(spent))
