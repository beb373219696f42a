"""The feature pipeline reads what the bank's records say, the same for one customer or the whole bank."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlmodel import Session

from assistant.bank.models import Transaction
from assistant.models.features import FEATURE_NAMES, customer_features
from assistant.seed.writer import seed_bank
from tests.builders import AS_OF, build_customer
from tests.models.conftest import AS_OF as BANK_AS_OF


def test_one_customers_features_equal_their_row_for_the_whole_bank(bank: Session) -> None:
    whole = customer_features(bank, as_of=BANK_AS_OF)
    assert customer_features(bank, [17], BANK_AS_OF).row(17) == whole.row(17)


def test_every_feature_is_a_finite_number(bank: Session) -> None:
    values = customer_features(bank, as_of=BANK_AS_OF).values
    assert values.shape[1] == len(FEATURE_NAMES) and bool((values == values).all())


def _book(session: Session, records, days_ago: int, amount: int, merchant: str, category: str, channel: str,
          description: str = "") -> None:
    session.add(Transaction(external_id=f"extra-{days_ago}-{merchant}-{amount}", customer_id=records.customer.id,
                            account_id=records.current.id, booked_at=AS_OF - timedelta(days=days_ago),
                            amount_minor=amount, merchant=merchant, category=category, channel=channel,
                            description=description))
    records.current.balance_minor += amount
    session.add(records.current)
    session.commit()


def test_money_sent_to_the_customers_own_name_elsewhere_counts_as_moved_out(session: Session) -> None:
    records = build_customer(session)
    _book(session, records, 10, -140_000, records.customer.full_name, "transfer", "transfer", "To Monzo")
    row = customer_features(session, [records.customer.id], AS_OF.date()).row(records.customer.id)
    # One £2,800 salary in the year is less than the £500 a month floor, so the share is of £500: 2.8 months' pay.
    assert row["moved_out_share"] == pytest.approx(2.8)


def test_a_payment_to_a_friend_is_spending_not_money_moved_out(session: Session) -> None:
    records = build_customer(session)
    _book(session, records, 10, -14_000, "James Wilson", "transfer", "transfer")
    row = customer_features(session, [records.customer.id], AS_OF.date()).row(records.customer.id)
    assert row["moved_out_share"] == 0


def test_foreign_fees_are_counted_by_month(session: Session) -> None:
    records = build_customer(session)
    for days_ago in (5, 40, 75):
        _book(session, records, days_ago, -300, "Lumen Bank", "fees", "fee", "Non-sterling transaction fees")
    row = customer_features(session, [records.customer.id], AS_OF.date()).row(records.customer.id)
    assert (row["fx_fee_months"], row["fees_3m"]) == (3, 9.0)


def test_the_balance_before_a_big_withdrawal_is_read_back_from_todays_balance(session: Session) -> None:
    records = build_customer(session)
    _book(session, records, 5, -400_000, "Cash machine", "cash", "atm")
    row = customer_features(session, [records.customer.id], AS_OF.date()).row(records.customer.id)
    assert row["months_balance_falling"] >= 1 and row["balance_change_3m"] < 0


def test_the_same_bank_gives_the_same_features_on_postgresql_and_sqlite(sqlite_engine, postgres_engine) -> None:
    tables = []
    for engine in (sqlite_engine, postgres_engine):
        seed_bank(engine, customers=12, seed=7, as_of=BANK_AS_OF, progress=False)
        with Session(engine) as session:
            tables.append(customer_features(session, as_of=BANK_AS_OF))
    assert tables[0].customer_ids == tables[1].customer_ids and np.allclose(tables[0].values, tables[1].values)
