"""Finding the payee a customer means from a loosely typed name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from assistant.bank.models import Payee
from assistant.bank.payees import match_payee
from tests.builders import AS_OF, build_customer


@pytest.fixture
def bank(session: Session):
    records = build_customer(session)
    session.add(Payee(customer_id=records.customer.id, name="Easy Access Saver", sort_code="04-00-75",
                      account_number=records.savings.number, account_id=records.savings.id,
                      created_at=AS_OF - timedelta(days=10)))
    session.commit()
    return records


@pytest.mark.parametrize("typed, expected", [
    ("mum", "Mum"), ("my mum", "Mum"), ("James", "James Wilson"), ("J Wilson", "James Wilson"),
    ("to oakfield", "Oakfield Lettings"), ("savings", "Easy Access Saver"),
])
def test_loosely_typed_names_find_the_saved_payee(session: Session, bank, typed: str, expected: str) -> None:
    assert match_payee(session, bank.customer.id, typed).payee.name == expected


def test_an_unknown_name_matches_nobody(session: Session, bank) -> None:
    found = match_payee(session, bank.customer.id, "Bob Smith")
    assert (found.payee, found.candidates) == (None, [])


def test_a_name_that_fits_two_payees_offers_both(session: Session, bank) -> None:
    session.add(Payee(customer_id=bank.customer.id, name="James Walker", sort_code="20-00-00",
                      account_number="39999999", created_at=AS_OF))
    session.commit()
    found = match_payee(session, bank.customer.id, "James")
    assert {p.name for p in found.candidates} == {"James Wilson", "James Walker"}


def test_another_customers_payees_are_never_matched(session: Session, bank) -> None:
    other = build_customer(session, number=2)
    session.add(Payee(customer_id=other.customer.id, name="Grandad", sort_code="20-00-00",
                      account_number="38888888", created_at=AS_OF))
    session.commit()
    assert match_payee(session, bank.customer.id, "Grandad").payee is None


def _add(session: Session, bank, name: str) -> None:
    session.add(Payee(customer_id=bank.customer.id, name=name, sort_code="20-00-00", account_number="37777777",
                      created_at=AS_OF))
    session.commit()


def test_an_initial_that_fits_two_payees_offers_both(session: Session, bank) -> None:
    _add(session, bank, "Jim Wilson")
    found = match_payee(session, bank.customer.id, "J Wilson")
    assert {p.name for p in found.candidates} == {"James Wilson", "Jim Wilson"}


def test_a_near_miss_is_offered_rather_than_assumed(session: Session, bank) -> None:
    found = match_payee(session, bank.customer.id, "mom")
    assert (found.payee, [p.name for p in found.candidates]) == (None, ["Mum"])


def test_a_payee_whose_name_starts_the_same_does_not_take_an_exact_name(session: Session, bank) -> None:
    _add(session, bank, "Mumford Plumbing")
    assert match_payee(session, bank.customer.id, "MUM").payee.name == "Mum"


def test_an_exact_name_wins_over_a_longer_name_containing_it(session: Session, bank) -> None:
    _add(session, bank, "Mum Mobile")
    assert match_payee(session, bank.customer.id, "to my mum").payee.name == "Mum"


def test_only_filler_words_match_nobody(session: Session, bank) -> None:
    found = match_payee(session, bank.customer.id, "to my")
    assert (found.payee, found.candidates) == (None, [])
