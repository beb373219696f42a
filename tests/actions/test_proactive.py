"""Proactive actions: "was this you?" and its answers, bill, low-balance and offer messages, for this customer only."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.proactive import (
    ActionAskAboutPurchase,
    ActionPresentOffer,
    ActionPurchaseConfirmed,
    ActionPurchaseDenied,
    ActionRemindUpcomingBill,
    ActionWarnLowBalance,
)
from assistant.bank.models import Card, CardStatus, Dispute
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords, build_customer


def slots_set(events: list[dict]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def external(customer_id: int, intent: str, **entities: str):
    return make_tracker(customer_id, intent=intent, text=f"EXTERNAL: {intent}",
                        entities=[{"entity": name, "value": value} for name, value in entities.items()])


async def test_the_customer_is_asked_about_the_purchase_with_yes_and_no_buttons(records: CustomerRecords) -> None:
    tracker = external(records.customer.id, "EXTERNAL_unusual_purchase", transaction_id="t-1-0",
                       alert_reason="far from home")
    messages, events = await run_action(ActionAskAboutPurchase(), tracker)
    assert messages[0]["text"] == "Was this you? £45.20 at Tesco on 19 Nov 2026 (far from home)."
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/confirm_purchase", "/deny_purchase"]
    assert slots_set(events) == {"unusual_transaction_id": "t-1-0"}


async def test_another_customers_purchase_is_never_described(records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db, expire_on_commit=False) as db:
        other = build_customer(db, 2)
    tracker = external(other.customer.id, "EXTERNAL_unusual_purchase", transaction_id="t-1-0")
    messages, events = await run_action(ActionAskAboutPurchase(), tracker)
    assert "Tesco" not in messages[0]["text"]
    assert slots_set(events) == {"unusual_transaction_id": None}


async def test_no_freezes_the_card_at_once_and_opens_a_dispute(
    records: CustomerRecords, action_db: Engine
) -> None:
    tracker = make_tracker(records.customer.id, intent="deny_purchase", slots={"unusual_transaction_id": "t-1-0"})
    messages, events = await run_action(ActionPurchaseDenied(), tracker)
    with Session(action_db) as db:
        assert CardStatus(db.get(Card, records.debit_card.id).status) == CardStatus.frozen
        dispute = db.exec(select(Dispute)).one()
    assert messages[0]["text"].startswith(f"Thank you for telling us. I've frozen your debit card ending "
                                          f"{records.debit_card.last4}")
    assert f"dispute #{dispute.id} for £45.20 at Tesco" in messages[0]["text"]
    assert slots_set(events) == {"unusual_transaction_id": None}


async def test_no_from_an_unverified_conversation_changes_nothing(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(None, sender_id="cust-1-forged", intent="deny_purchase",
                           slots={"unusual_transaction_id": "t-1-0"})
    await run_action(ActionPurchaseDenied(), tracker)
    with Session(action_db) as db:
        assert CardStatus(db.get(Card, records.debit_card.id).status) == CardStatus.active


async def test_yes_thanks_the_customer_and_leaves_the_card_active(records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, intent="confirm_purchase", slots={"unusual_transaction_id": "t-1-0"})
    messages, _ = await run_action(ActionPurchaseConfirmed(), tracker)
    with Session(action_db) as db:
        assert CardStatus(db.get(Card, records.debit_card.id).status) == CardStatus.active
    assert messages[0]["text"].startswith("Thanks for confirming £45.20 at Tesco")


async def test_yes_without_a_purchase_asked_about_changes_nothing(records: CustomerRecords) -> None:
    messages, _ = await run_action(ActionPurchaseConfirmed(), make_tracker(records.customer.id, intent="confirm_purchase"))
    assert messages[0]["text"].startswith("There's no payment waiting")


async def test_a_bill_reminder_names_the_bill_and_offers_bills_or_moving_money(records: CustomerRecords) -> None:
    tracker = external(records.customer.id, "EXTERNAL_upcoming_bill", bill_merchant="British Gas",
                       bill_amount="84.00", bill_due_date="2026-12-01")
    messages, _ = await run_action(ActionRemindUpcomingBill(), tracker)
    assert messages[0]["text"].startswith("Reminder: British Gas will take £84.00 on Tue 1 Dec. "
                                          "Your Everyday Current Account has £3,450.67 available.")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/list_upcoming_bills", "/transfer_money"]


async def test_a_low_balance_warning_gives_the_balance_and_ways_to_act(records: CustomerRecords) -> None:
    tracker = external(records.customer.id, "EXTERNAL_low_balance", account_id=str(records.current.id))
    messages, _ = await run_action(ActionWarnLowBalance(), tracker)
    assert messages[0]["text"].startswith("Heads up: your Everyday Current Account is down to £2,450.67")
    assert "/transfer_money" in [b["payload"] for b in messages[0]["buttons"]]


async def test_a_low_balance_warning_about_another_customers_account_gives_no_figures(
    records: CustomerRecords, action_db: Engine
) -> None:
    with Session(action_db, expire_on_commit=False) as db:
        other = build_customer(db, 2)
    tracker = external(other.customer.id, "EXTERNAL_low_balance", account_id=str(records.current.id))
    messages, _ = await run_action(ActionWarnLowBalance(), tracker)
    assert "£" not in messages[0]["text"]


async def test_an_offer_names_the_product_and_what_it_is(records: CustomerRecords) -> None:
    messages, _ = await run_action(ActionPresentOffer(),
                                   external(records.customer.id, "EXTERNAL_offer", product_code="cash_isa"))
    assert messages[0]["text"].startswith("Something you might like: the Cash ISA. Tax-free savings")


async def test_an_offer_keeps_its_product_so_why_explains_it(records: CustomerRecords) -> None:
    messages, events = await run_action(ActionPresentOffer(),
                                        external(records.customer.id, "EXTERNAL_offer", product_code="cash_isa"))
    assert [(e["name"], e["value"]) for e in events] == [("last_offer_product", "cash_isa")]
    assert messages[0]["buttons"][0] == {"title": "Why this offer?", "payload": "/ask_offer_reason"}


def _alert_on(db: Session, records: CustomerRecords, external_id: str) -> int:
    from assistant.alerts.models import Alert
    from assistant.bank.models import Transaction

    transaction = db.exec(select(Transaction).where(Transaction.external_id == external_id)).one()
    alert = Alert(customer_id=records.customer.id, kind="unusual_purchase", dedup_key=f"tx-{transaction.id}",
                  transaction_id=transaction.id, reason="about 6x your usual spend")
    db.add(alert)
    db.commit()
    return alert.id


async def _answer_recorded(action_db: Engine, alert_id: int) -> list[bool]:
    from assistant.alerts.models import AlertAnswer

    with Session(action_db) as db:
        return [a.was_customer for a in db.exec(select(AlertAnswer).where(AlertAnswer.alert_id == alert_id)).all()]


async def test_yes_is_recorded_on_the_alert_so_the_scorer_learns_the_purchase(
        records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db) as db:
        alert_id = _alert_on(db, records, "t-1-0")
    tracker = make_tracker(records.customer.id, intent="confirm_purchase", slots={"unusual_transaction_id": "t-1-0"})
    await run_action(ActionPurchaseConfirmed(), tracker)
    assert await _answer_recorded(action_db, alert_id) == [True]


async def test_no_is_recorded_on_the_alert(records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db) as db:
        alert_id = _alert_on(db, records, "t-1-0")
    tracker = make_tracker(records.customer.id, intent="deny_purchase", slots={"unusual_transaction_id": "t-1-0"})
    await run_action(ActionPurchaseDenied(), tracker)
    assert await _answer_recorded(action_db, alert_id) == [False]
