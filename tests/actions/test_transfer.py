"""The transfer form's checks, the confirmation and the transfer itself, through the real actions."""

from __future__ import annotations

import json

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.transfer import (
    ActionAskTransferConfirmation,
    ActionCancelTransfer,
    ActionExecuteTransfer,
    ValidateTransferForm,
)
from assistant.bank.models import Account, AuditLog, Payee, Transfer
from assistant.identity import conversation_reference
from tests.actions.conftest import make_tracker, run_action
from tests.builders import AS_OF, CustomerRecords, build_customer


def _slots(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def _ready(records: CustomerRecords, amount: str = "25.00", quote_id: str = "quote-1") -> dict:
    return {"transfer_amount": amount, "transfer_payee": "Mum", "transfer_payee_id": records.payees["Mum"].id,
            "transfer_source_account": records.current.name, "transfer_source_account_id": records.current.id,
            "transfer_quote_id": quote_id}


def _add_payee(engine: Engine, records: CustomerRecords, name: str, account_id: int | None = None) -> int:
    with Session(engine) as db:
        payee = Payee(customer_id=records.customer.id, name=name, sort_code="04-00-75", account_number="36666666",
                      account_id=account_id, created_at=AS_OF)
        db.add(payee)
        db.commit()
        return payee.id


def _transfer_count(engine: Engine) -> int:
    with Session(engine) as db:
        return len(db.exec(select(Transfer)).all())


def _balance(engine: Engine, account_id: int) -> int:
    with Session(engine) as db:
        return db.get(Account, account_id).balance_minor


def test_the_form_normalises_a_typed_amount(records: CustomerRecords) -> None:
    form = ValidateTransferForm()
    result = form.validate_transfer_amount("£25", None, make_tracker(records.customer.id), {})
    assert result == {"transfer_amount": "25.00"}


async def test_the_form_refuses_a_zero_amount_and_says_why(records: CustomerRecords) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateTransferForm().validate_transfer_amount("0", dispatcher, make_tracker(records.customer.id), {})
    assert (result, "more than" in dispatcher.messages[0]["text"]) == ({"transfer_amount": None}, True)


def test_the_form_resolves_a_loose_payee_name_to_the_saved_payee(records: CustomerRecords) -> None:
    result = ValidateTransferForm().validate_transfer_payee("my mum", CollectingDispatcher(),
                                                            make_tracker(records.customer.id), {})
    assert result == {"transfer_payee": "Mum", "transfer_payee_id": records.payees["Mum"].id}


def test_the_form_lists_saved_payees_when_the_name_is_unknown(records: CustomerRecords) -> None:
    dispatcher = CollectingDispatcher()
    ValidateTransferForm().validate_transfer_payee("Bob", dispatcher, make_tracker(records.customer.id), {})
    assert "James Wilson" in dispatcher.messages[0]["text"]


def test_the_form_offers_account_buttons_when_a_credit_card_is_named(records: CustomerRecords) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateTransferForm().validate_transfer_source_account("credit card", dispatcher,
                                                                     make_tracker(records.customer.id), {})
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert (result["transfer_source_account_id"], payloads) == (
        None, ['/inform{"account_type": "current"}', '/inform{"account_type": "savings"}'])


async def test_confirmation_quotes_the_transfer_with_yes_and_no(records: CustomerRecords) -> None:
    messages, events = await run_action(ActionAskTransferConfirmation(),
                                        make_tracker(records.customer.id, slots=_ready(records)))
    assert (messages[0]["text"], [b["payload"] for b in messages[0]["buttons"]]) == (
        "Send £25.00 to Mum from your Everyday Current Account?", ["/affirm", "/deny"])


async def test_confirmation_of_an_unaffordable_transfer_explains_and_clears_the_form(records: CustomerRecords) -> None:
    messages, events = await run_action(ActionAskTransferConfirmation(),
                                        make_tracker(records.customer.id, slots=_ready(records, "99999.00")))
    assert ("enough" in messages[0]["text"], _slots(events)["transfer_amount"]) == (True, None)


async def test_a_confirmed_transfer_moves_the_money_and_reports_the_new_balance(records: CustomerRecords,
                                                                                 action_db: Engine) -> None:
    messages, _ = await run_action(ActionExecuteTransfer(),
                                   make_tracker(records.customer.id, slots=_ready(records), intent="affirm"))
    assert (_balance(action_db, records.current.id), "£2,425.67" in messages[0]["text"]) == (242_567, True)


async def test_a_redelivered_confirmation_moves_the_money_once(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, slots=_ready(records), intent="affirm", message_id="yes-1")
    await run_action(ActionExecuteTransfer(), tracker)
    await run_action(ActionExecuteTransfer(), tracker)
    with Session(action_db) as db:
        transfers = db.exec(select(Transfer)).all()
    assert (len(transfers), _balance(action_db, records.current.id)) == (1, 242_567)


async def test_a_yes_repeated_in_a_new_message_after_a_crash_moves_the_money_once(records: CustomerRecords,
                                                                                  action_db: Engine) -> None:
    for message_id in ("yes-1", "yes-again"):
        messages, _ = await run_action(ActionExecuteTransfer(), make_tracker(
            records.customer.id, slots=_ready(records), intent="affirm", message_id=message_id))
    assert (_transfer_count(action_db), _balance(action_db, records.current.id),
            messages[0]["text"].startswith("That transfer had already gone through")) == (1, 242_567, True)


async def test_a_confirmation_without_a_quote_moves_no_money(records: CustomerRecords, action_db: Engine) -> None:
    slots = {**_ready(records), "transfer_quote_id": None}
    messages, _ = await run_action(ActionExecuteTransfer(), make_tracker(records.customer.id, slots=slots))
    assert ("no money has moved" in messages[0]["text"], _transfer_count(action_db)) == (True, 0)


async def test_each_confirmation_question_mints_a_new_quote_id(records: CustomerRecords) -> None:
    quotes = set()
    for _ in range(2):
        _, events = await run_action(ActionAskTransferConfirmation(),
                                     make_tracker(records.customer.id, slots=_ready(records, quote_id=None)))
        quotes.add(_slots(events)["transfer_quote_id"])
    assert len(quotes) == 2 and None not in quotes


async def test_the_payee_id_slot_cannot_send_from_another_customers_account(records: CustomerRecords,
                                                                           action_db: Engine) -> None:
    with Session(action_db, expire_on_commit=False) as db:
        other = build_customer(db, number=2)
    slots = {**_ready(records), "transfer_source_account_id": other.current.id}
    messages, _ = await run_action(ActionExecuteTransfer(), make_tracker(records.customer.id, slots=slots))
    assert ("No money has moved" in messages[0]["text"], _balance(action_db, other.current.id)) == (True, 245_067)


async def test_an_unsigned_conversation_moves_no_money(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(None, slots=_ready(records), sender_id=f"cust-{records.customer.id}-forged")
    messages, _ = await run_action(ActionExecuteTransfer(), tracker)
    assert ("sign in" in messages[0]["text"], _balance(action_db, records.current.id)) == (True, 245_067)


async def test_cancelling_clears_the_transfer_and_says_nothing_moved(records: CustomerRecords) -> None:
    messages, events = await run_action(ActionCancelTransfer(), make_tracker(records.customer.id, slots=_ready(records)))
    assert ("No money has moved" in messages[0]["text"], set(_slots(events).values())) == (True, {None})


def test_the_form_explains_an_amount_it_cannot_read(records: CustomerRecords) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateTransferForm().validate_transfer_amount("fifty", dispatcher, make_tracker(records.customer.id), {})
    assert (result, "Try something like" in dispatcher.messages[0]["text"]) == ({"transfer_amount": None}, True)


def test_the_form_offers_a_button_per_payee_when_the_name_fits_several(records: CustomerRecords,
                                                                       action_db: Engine) -> None:
    _add_payee(action_db, records, "James Walker")
    dispatcher = CollectingDispatcher()
    result = ValidateTransferForm().validate_transfer_payee("james", dispatcher, make_tracker(records.customer.id), {})
    payloads = sorted(b["payload"] for b in dispatcher.messages[0]["buttons"])
    assert (result["transfer_payee_id"], payloads) == (
        None, ['/inform{"payee": "James Walker"}', '/inform{"payee": "James Wilson"}'])


def test_the_form_asks_an_unsigned_conversation_to_sign_in_before_looking_up_payees(records: CustomerRecords) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateTransferForm().validate_transfer_payee(
        "mum", dispatcher, make_tracker(None, sender_id=f"cust-{records.customer.id}-forged"), {})
    assert (result["transfer_payee_id"], "sign in" in dispatcher.messages[0]["text"]) == (None, True)


@pytest.mark.parametrize("typed, which", [("savings", "savings"), ("my current account", "current"),
                                          ("easy access", "savings"), ("Everyday Current Account", "current")])
def test_the_form_finds_the_source_account_the_customer_named(records: CustomerRecords, typed: str,
                                                              which: str) -> None:
    result = ValidateTransferForm().validate_transfer_source_account(typed, CollectingDispatcher(),
                                                                     make_tracker(records.customer.id), {})
    assert result["transfer_source_account_id"] == getattr(records, which).id


async def test_confirmation_refuses_another_customers_payee_and_clears_the_form(records: CustomerRecords,
                                                                               action_db: Engine) -> None:
    with Session(action_db, expire_on_commit=False) as db:
        other = build_customer(db, number=2)
    slots = {**_ready(records), "transfer_payee_id": other.payees["Mum"].id}
    messages, events = await run_action(ActionAskTransferConfirmation(), make_tracker(records.customer.id, slots=slots))
    assert ("payee" in messages[0]["text"], _slots(events)["transfer_payee_id"]) == (True, None)


async def test_a_confirmed_transfer_to_own_savings_moves_money_on_both_sides(records: CustomerRecords,
                                                                            action_db: Engine) -> None:
    payee_id = _add_payee(action_db, records, "Easy Access Saver", account_id=records.savings.id)
    slots = {**_ready(records, "100.00"), "transfer_payee": "Easy Access Saver", "transfer_payee_id": payee_id}
    await run_action(ActionExecuteTransfer(), make_tracker(records.customer.id, slots=slots, intent="affirm"))
    assert (_balance(action_db, records.current.id), _balance(action_db, records.savings.id)) == (235_067, 1_210_000)


async def test_two_separate_quotes_are_two_transfers(records: CustomerRecords, action_db: Engine) -> None:
    for quote_id in ("quote-1", "quote-2"):
        await run_action(ActionExecuteTransfer(), make_tracker(records.customer.id, slots=_ready(records, quote_id=quote_id),
                                                               intent="affirm"))
    assert (_transfer_count(action_db), _balance(action_db, records.current.id)) == (2, 240_067)


async def test_a_malformed_amount_slot_moves_nothing_and_says_so(records: CustomerRecords, action_db: Engine) -> None:
    messages, events = await run_action(ActionExecuteTransfer(),
                                        make_tracker(records.customer.id, slots=_ready(records, "lots")))
    assert ("no money has moved" in messages[0]["text"], _transfer_count(action_db),
            _slots(events)["transfer_amount"]) == (True, 0, None)


async def test_an_unaffordable_transfer_is_refused_at_execution_and_moves_nothing(records: CustomerRecords,
                                                                                action_db: Engine) -> None:
    messages, _ = await run_action(ActionExecuteTransfer(),
                                   make_tracker(records.customer.id, slots=_ready(records, "5000.00")))
    assert ("enough" in messages[0]["text"], _balance(action_db, records.current.id)) == (True, 245_067)


async def test_the_idempotency_key_is_the_conversation_reference_and_the_quote(
        records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, slots=_ready(records, quote_id="q-42"), intent="affirm")
    await run_action(ActionExecuteTransfer(), tracker)
    with Session(action_db) as db:
        transfer = db.exec(select(Transfer)).one()
    assert transfer.idempotency_key == f"{conversation_reference(tracker.sender_id)}:q-42"


async def test_neither_the_transfer_nor_its_audit_entry_stores_the_sender_id(records: CustomerRecords,
                                                                             action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, slots=_ready(records), intent="affirm", message_id="yes-43")
    await run_action(ActionExecuteTransfer(), tracker)
    with Session(action_db) as db:
        stored = [db.exec(select(Transfer)).one().model_dump(), *[e.model_dump() for e in db.exec(select(AuditLog))]]
    assert tracker.sender_id not in json.dumps(stored, default=str)


def test_the_form_will_not_take_money_from_the_account_it_is_going_to(records: CustomerRecords,
                                                                      action_db: Engine) -> None:
    payee_id = _add_payee(action_db, records, "Easy Access Saver", account_id=records.savings.id)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(records.customer.id, slots={"transfer_payee_id": payee_id})
    result = ValidateTransferForm().validate_transfer_source_account("savings", dispatcher, tracker, {})
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons", [])]
    assert (result["transfer_source_account_id"], payloads) == (None, ['/inform{"account_type": "current"}'])
