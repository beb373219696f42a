"""Listing a customer's accounts, finding one, and what is available to spend."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from assistant.bank.accounts import (
    AccountNotFound,
    available_minor,
    balances,
    find_account,
    kind_from_text,
    list_accounts,
)
from assistant.bank.models import AccountKind
from tests.builders import build_customer


def test_accounts_are_listed_current_savings_then_credit_card(session: Session) -> None:
    alex = build_customer(session)
    assert [a.id for a in list_accounts(session, alex.customer.id)] == [alex.current.id, alex.savings.id, alex.credit_card.id]


def test_another_customers_accounts_are_never_listed(session: Session) -> None:
    alex = build_customer(session, 1)
    sam = build_customer(session, 2)
    assert {a.customer_id for a in list_accounts(session, sam.customer.id)} == {sam.customer.id}
    assert alex.current.id not in {a.id for a in list_accounts(session, sam.customer.id)}


@pytest.mark.parametrize(("text", "kind"), [("savings", "savings"), ("credit card", "credit_card"),
                                            ("credit_card", "credit_card"), ("Current Account", "current")])
def test_find_account_by_kind(session: Session, text: str, kind: str) -> None:
    alex = build_customer(session)
    assert find_account(session, alex.customer.id, text).kind == AccountKind(kind)


def test_find_account_by_its_name(session: Session) -> None:
    alex = build_customer(session)
    assert find_account(session, alex.customer.id, "easy access saver").id == alex.savings.id


def test_unknown_account_type_raises_account_not_found(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(AccountNotFound):
        find_account(session, alex.customer.id, "mortgage")


def test_kind_the_customer_does_not_hold_raises_account_not_found(session: Session) -> None:
    alex = build_customer(session)
    session.delete(alex.savings)
    session.commit()
    with pytest.raises(AccountNotFound, match="savings"):
        find_account(session, alex.customer.id, "savings")


def test_kind_from_text_refuses_words_that_are_not_account_kinds() -> None:
    with pytest.raises(AccountNotFound):
        kind_from_text("pension")


def test_available_on_a_current_account_includes_the_overdraft(session: Session) -> None:
    alex = build_customer(session)
    assert available_minor(alex.current) == 245_067 + 100_000


def test_available_on_a_credit_card_is_the_limit_less_what_is_owed(session: Session) -> None:
    alex = build_customer(session)
    assert available_minor(alex.credit_card) == 500_000 - 32_050


def test_balances_are_decimals_in_major_units(session: Session) -> None:
    alex = build_customer(session)
    (savings,) = balances(session, alex.customer.id, "savings")
    assert (savings.balance, savings.available, savings.name) == (Decimal("12000.00"), Decimal("12000.00"), "Easy Access Saver")


def test_balances_without_a_kind_cover_every_account(session: Session) -> None:
    alex = build_customer(session)
    assert [b.kind for b in balances(session, alex.customer.id)] == [AccountKind.current, AccountKind.savings, AccountKind.credit_card]
