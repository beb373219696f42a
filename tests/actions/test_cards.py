"""Card actions: prepare asks first, execute does it, cancel leaves the card alone."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from actions.cards import ActionCancelCardAction, ActionExecuteCardAction, ActionPrepareCardAction
from assistant.bank.audit import entries_for
from assistant.bank.models import Card, CardStatus
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords, build_customer

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
CLEARED = [{"event": "slot", "timestamp": None, "name": "pending_card_action", "value": None},
           {"event": "slot", "timestamp": None, "name": "pending_card_id", "value": None}]


def slots_set(events: list[dict]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def card_status(engine: Engine, card_id: int) -> CardStatus:
    with Session(engine) as db:
        return CardStatus(db.get(Card, card_id).status)


async def test_prepare_freeze_asks_yes_or_no_naming_the_card(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, intent="freeze_card", entities=[{"entity": "card_type", "value": "debit"}])
    messages, events = await run_action(ActionPrepareCardAction(), tracker)
    assert messages[0]["text"].startswith(f"Freeze your debit card ending {records.debit_card.last4}?")
    assert messages[0]["buttons"] == YES_NO
    assert slots_set(events) == {"pending_card_action": "freeze", "pending_card_id": records.debit_card.id}
    assert card_status(action_db, records.debit_card.id) == CardStatus.active


async def test_prepare_report_reads_the_loss_reason(records: CustomerRecords) -> None:
    tracker = make_tracker(records.customer.id, intent="report_lost_or_stolen_card",
                           entities=[{"entity": "card_type", "value": "credit"}, {"entity": "loss_reason", "value": "stolen"}])
    messages, events = await run_action(ActionPrepareCardAction(), tracker)
    assert "as stolen" in messages[0]["text"]
    assert slots_set(events) == {"pending_card_action": "report_stolen", "pending_card_id": records.credit_card_card.id}


async def test_prepare_without_a_card_type_asks_which_card_when_two_fit(records: CustomerRecords) -> None:
    messages, events = await run_action(ActionPrepareCardAction(), make_tracker(records.customer.id, intent="freeze_card"))
    assert messages[0]["text"] == "Which card do you mean?"
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/freeze_card{"card_type": "debit"}',
                                                             '/freeze_card{"card_type": "credit"}']
    assert events == CLEARED


async def test_prepare_unfreeze_picks_the_only_frozen_card(records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db) as db:
        card = db.get(Card, records.credit_card_card.id)
        card.status = CardStatus.frozen
        db.add(card)
        db.commit()
    _, events = await run_action(ActionPrepareCardAction(), make_tracker(records.customer.id, intent="unfreeze_card"))
    assert slots_set(events) == {"pending_card_action": "unfreeze", "pending_card_id": records.credit_card_card.id}


async def test_prepare_refuses_to_freeze_a_frozen_card(records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db) as db:
        card = db.get(Card, records.debit_card.id)
        card.status = CardStatus.frozen
        db.add(card)
        db.commit()
    tracker = make_tracker(records.customer.id, intent="freeze_card", entities=[{"entity": "card_type", "value": "debit"}])
    messages, events = await run_action(ActionPrepareCardAction(), tracker)
    assert "already frozen" in messages[0]["text"]
    assert not messages[0]["buttons"]
    assert events == CLEARED


async def test_prepare_for_a_card_type_the_customer_lacks_says_so(records: CustomerRecords) -> None:
    tracker = make_tracker(records.customer.id, intent="freeze_card", entities=[{"entity": "card_type", "value": "prepaid"}])
    messages, events = await run_action(ActionPrepareCardAction(), tracker)
    assert messages[0]["text"] == "I couldn't find a prepaid card on your accounts."
    assert events == CLEARED


async def test_execute_freezes_audits_and_clears_the_slots(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, intent="affirm",
                           slots={"pending_card_action": "freeze", "pending_card_id": records.debit_card.id})
    messages, events = await run_action(ActionExecuteCardAction(), tracker)
    assert messages[0]["text"].startswith(f"Done. Your debit card ending {records.debit_card.last4} is frozen.")
    assert events == CLEARED
    assert card_status(action_db, records.debit_card.id) == CardStatus.frozen
    with Session(action_db) as db:
        assert [e.action for e in entries_for(db, "card", records.debit_card.id)] == ["card.freeze"]


async def test_execute_report_cancels_and_names_the_replacement(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, intent="affirm",
                           slots={"pending_card_action": "report_lost", "pending_card_id": records.debit_card.id})
    messages, _ = await run_action(ActionExecuteCardAction(), tracker)
    with Session(action_db) as db:
        old = db.get(Card, records.debit_card.id)
        new = db.get(Card, old.replaced_by_id)
    assert old.status == CardStatus.lost and new.status == CardStatus.active
    assert f"replacement card ending {new.last4}" in messages[0]["text"]


async def test_execute_refuses_an_invalid_transition_and_changes_nothing(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, intent="affirm",
                           slots={"pending_card_action": "unfreeze", "pending_card_id": records.debit_card.id})
    messages, events = await run_action(ActionExecuteCardAction(), tracker)
    assert "nothing has changed" in messages[0]["text"] and "not frozen" in messages[0]["text"]
    assert events == CLEARED
    with Session(action_db) as db:
        assert entries_for(db, "card", records.debit_card.id) == []


async def test_execute_never_touches_another_customers_card(records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db, expire_on_commit=False) as db:
        sam = build_customer(db, 2)
    tracker = make_tracker(sam.customer.id, intent="affirm",
                           slots={"pending_card_action": "freeze", "pending_card_id": records.debit_card.id})
    messages, events = await run_action(ActionExecuteCardAction(), tracker)
    assert "nothing has changed" in messages[0]["text"] and events == CLEARED
    assert card_status(action_db, records.debit_card.id) == CardStatus.active


async def test_execute_with_nothing_pending_says_so(records: CustomerRecords) -> None:
    messages, events = await run_action(ActionExecuteCardAction(), make_tracker(records.customer.id, intent="affirm"))
    assert "no card change waiting" in messages[0]["text"] and events == CLEARED


async def test_cancel_clears_the_pending_action_and_leaves_the_card(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, intent="deny",
                           slots={"pending_card_action": "freeze", "pending_card_id": records.debit_card.id})
    messages, events = await run_action(ActionCancelCardAction(), tracker)
    assert "Nothing has changed" in messages[0]["text"] and events == CLEARED
    assert card_status(action_db, records.debit_card.id) == CardStatus.active


async def test_unsigned_sender_cannot_execute_a_card_action(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(None, sender_id=f"cust-{records.customer.id}-forged", intent="affirm",
                           slots={"pending_card_action": "freeze", "pending_card_id": records.debit_card.id})
    messages, events = await run_action(ActionExecuteCardAction(), tracker)
    assert "sign in again" in messages[0]["text"] and events == CLEARED
    assert card_status(action_db, records.debit_card.id) == CardStatus.active


async def test_unsigned_sender_gets_no_card_details_when_preparing(records: CustomerRecords) -> None:
    tracker = make_tracker(None, sender_id="someone", intent="freeze_card")
    messages, events = await run_action(ActionPrepareCardAction(), tracker)
    assert "sign in again" in messages[0]["text"] and records.debit_card.last4 not in messages[0]["text"]
    assert events == CLEARED
