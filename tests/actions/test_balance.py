"""action_show_balance: one account or all of them, only ever the signed-in customer's."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from actions.balance import ActionShowBalance
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords, build_customer


def account_type(value: str) -> list[dict]:
    return [{"entity": "account_type", "value": value}]


async def test_balance_of_the_named_account(records: CustomerRecords) -> None:
    messages, events = await run_action(ActionShowBalance(), make_tracker(records.customer.id, entities=account_type("savings")))
    assert [m["text"] for m in messages] == ["Your Easy Access Saver: £12,000.00."]
    assert events == []


async def test_current_account_balance_mentions_what_the_overdraft_makes_available(records: CustomerRecords) -> None:
    messages, _ = await run_action(ActionShowBalance(), make_tracker(records.customer.id, entities=account_type("current")))
    assert "£2,450.67 (£3,450.67 available with your overdraft)" in messages[0]["text"]


async def test_credit_card_balance_says_what_is_owed_and_available(records: CustomerRecords) -> None:
    messages, _ = await run_action(ActionShowBalance(), make_tracker(records.customer.id, entities=account_type("credit_card")))
    assert "you owe £320.50; £4,679.50 of your £5,000.00 limit is available" in messages[0]["text"]


async def test_without_an_account_type_every_account_is_listed(records: CustomerRecords) -> None:
    messages, _ = await run_action(ActionShowBalance(), make_tracker(records.customer.id))
    text = messages[0]["text"]
    assert text.startswith("Here are your balances:")
    assert all(name in text for name in ("Everyday Current Account", "Easy Access Saver", "Cashback Credit Card"))


async def test_unknown_account_type_names_the_accounts_the_customer_has(records: CustomerRecords) -> None:
    messages, _ = await run_action(ActionShowBalance(), make_tracker(records.customer.id, entities=account_type("mortgage")))
    assert messages[0]["text"].startswith("I couldn't find a mortgage account for you.")
    assert "Easy Access Saver" in messages[0]["text"] and "£" not in messages[0]["text"]


async def test_another_customers_balances_are_never_shown(records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db, expire_on_commit=False) as db:
        sam = build_customer(db, 2)
        sam.current.balance_minor = 1_234
        db.add(sam.current)
        db.commit()
    messages, _ = await run_action(ActionShowBalance(), make_tracker(sam.customer.id, entities=account_type("current")))
    assert "£12.34" in messages[0]["text"] and "£2,450.67" not in messages[0]["text"]


async def test_unsigned_sender_is_asked_to_sign_in_and_sees_no_data(records: CustomerRecords) -> None:
    tracker = make_tracker(None, sender_id=f"cust-{records.customer.id}-forged", entities=account_type("savings"))
    messages, events = await run_action(ActionShowBalance(), tracker)
    assert "sign in again" in messages[0]["text"] and "£" not in messages[0]["text"]
    assert events == []
