"""Choosing, freezing, unfreezing and reporting cards, each change audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from assistant.bank.audit import entries_for
from assistant.bank.cards import (
    CardChoiceNeeded,
    CardNotFound,
    InvalidCardTransition,
    choose_card,
    freeze_card,
    list_cards,
    perform_card_action,
    report_card,
    unfreeze_card,
)
from assistant.bank.models import Card, CardStatus
from tests.builders import AS_OF, build_customer


def test_choose_card_by_kind(session: Session) -> None:
    alex = build_customer(session)
    assert choose_card(session, alex.customer.id, "freeze", "credit").id == alex.credit_card_card.id


def test_choose_card_accepts_the_word_card_after_the_kind(session: Session) -> None:
    alex = build_customer(session)
    assert choose_card(session, alex.customer.id, "freeze", "debit card").id == alex.debit_card.id


def test_choose_card_without_kind_needs_a_choice_when_two_cards_fit(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(CardChoiceNeeded) as raised:
        choose_card(session, alex.customer.id, "freeze")
    assert {card.id for card in raised.value.cards} == {alex.debit_card.id, alex.credit_card_card.id}


def test_choose_card_without_kind_picks_the_only_card_the_action_fits(session: Session) -> None:
    alex = build_customer(session)
    freeze_card(session, alex.customer.id, alex.debit_card.id)
    assert choose_card(session, alex.customer.id, "unfreeze").id == alex.debit_card.id


def test_choose_card_of_a_kind_the_customer_lacks_raises_card_not_found(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(CardNotFound):
        choose_card(session, alex.customer.id, "freeze", "prepaid")


def test_freeze_then_unfreeze(session: Session) -> None:
    alex = build_customer(session)
    assert freeze_card(session, alex.customer.id, alex.debit_card.id).status == CardStatus.frozen
    assert unfreeze_card(session, alex.customer.id, alex.debit_card.id).status == CardStatus.active


def test_freezing_a_frozen_card_is_refused(session: Session) -> None:
    alex = build_customer(session)
    freeze_card(session, alex.customer.id, alex.debit_card.id)
    with pytest.raises(InvalidCardTransition, match="already frozen"):
        freeze_card(session, alex.customer.id, alex.debit_card.id)


def test_unfreezing_an_active_card_is_refused(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(InvalidCardTransition, match="not frozen"):
        unfreeze_card(session, alex.customer.id, alex.debit_card.id)


def test_unfreezing_a_cancelled_card_is_refused(session: Session) -> None:
    alex = build_customer(session)
    report_card(session, alex.customer.id, alex.debit_card.id, "lost", as_of=AS_OF)
    with pytest.raises(InvalidCardTransition, match="cancelled"):
        unfreeze_card(session, alex.customer.id, alex.debit_card.id)


def test_reporting_a_card_twice_is_refused(session: Session) -> None:
    alex = build_customer(session)
    report_card(session, alex.customer.id, alex.debit_card.id, "stolen", as_of=AS_OF)
    with pytest.raises(InvalidCardTransition):
        report_card(session, alex.customer.id, alex.debit_card.id, "lost", as_of=AS_OF)


def test_report_cancels_the_card_and_orders_a_replacement(session: Session) -> None:
    alex = build_customer(session)
    report = report_card(session, alex.customer.id, alex.debit_card.id, "stolen", as_of=AS_OF)
    session.commit()
    old = session.get(Card, alex.debit_card.id)
    new = session.get(Card, report.replacement.id)
    assert old.status == CardStatus.stolen and old.replaced_by_id == new.id
    assert (new.status, new.kind, new.account_id) == (CardStatus.active, "debit", alex.current.id)
    assert new.last4 not in {alex.debit_card.last4, alex.credit_card_card.last4}
    assert new.expires_on == date(2029, 11, 30)


def test_a_frozen_card_can_be_reported(session: Session) -> None:
    alex = build_customer(session)
    freeze_card(session, alex.customer.id, alex.debit_card.id)
    assert report_card(session, alex.customer.id, alex.debit_card.id, "lost").cancelled.status == CardStatus.lost


def test_report_reason_must_be_lost_or_stolen(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(ValueError):
        report_card(session, alex.customer.id, alex.debit_card.id, "bored")


def test_another_customers_card_cannot_be_changed(session: Session) -> None:
    alex = build_customer(session, 1)
    sam = build_customer(session, 2)
    with pytest.raises(CardNotFound):
        freeze_card(session, sam.customer.id, alex.debit_card.id)
    assert session.get(Card, alex.debit_card.id).status == CardStatus.active


def test_another_customers_cards_are_never_listed(session: Session) -> None:
    build_customer(session, 1)
    sam = build_customer(session, 2)
    assert {card.customer_id for card in list_cards(session, sam.customer.id)} == {sam.customer.id}


def test_each_change_is_audited_in_the_same_transaction(session: Session) -> None:
    alex = build_customer(session)
    freeze_card(session, alex.customer.id, alex.debit_card.id)
    unfreeze_card(session, alex.customer.id, alex.debit_card.id)
    session.commit()
    entries = entries_for(session, "card", alex.debit_card.id)
    assert [(e.action, e.actor, e.details["to_status"]) for e in entries] == [
        ("card.freeze", f"customer:{alex.customer.id}", "frozen"),
        ("card.unfreeze", f"customer:{alex.customer.id}", "active"),
    ]


def test_a_refused_change_writes_no_audit_entry(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(InvalidCardTransition):
        unfreeze_card(session, alex.customer.id, alex.debit_card.id)
    session.commit()
    assert entries_for(session, "card", alex.debit_card.id) == []


def test_report_audits_the_cancellation_and_the_replacement(session: Session) -> None:
    alex = build_customer(session)
    report = report_card(session, alex.customer.id, alex.debit_card.id, "lost", as_of=AS_OF)
    session.commit()
    assert [e.action for e in entries_for(session, "card", alex.debit_card.id)] == ["card.report_lost"]
    assert [e.action for e in entries_for(session, "card", report.replacement.id)] == ["card.issue_replacement"]


def test_perform_card_action_refuses_unknown_actions(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(ValueError, match="unknown card action"):
        perform_card_action(session, alex.customer.id, alex.debit_card.id, "shred")
