"""action_list_upcoming_bills: what is due in the next 30 days."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.bills import ActionListUpcomingBills
from assistant.bank.models import RecurringPayment
from assistant.db import utcnow
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords, build_customer


def customer_as_of_now(engine: Engine, number: int = 1) -> CustomerRecords:
    with Session(engine, expire_on_commit=False) as db:
        return build_customer(db, number, as_of=utcnow())


async def test_bills_due_soon_are_listed_with_the_total(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, events = await run_action(ActionListUpcomingBills(), make_tracker(alex.customer.id))
    text = messages[0]["text"]
    assert text.startswith("You have 2 payments due in the next 30 days, £960.99 in total:")
    assert text.index("Netflix £10.99") < text.index("Oakfield Lettings £950.00")
    assert "British Gas" not in text and events == []


async def test_no_bills_due_says_so(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    with Session(action_db) as db:
        for payment in db.exec(select(RecurringPayment).where(RecurringPayment.customer_id == alex.customer.id)):
            payment.active = False
            db.add(payment)
        db.commit()
    messages, _ = await run_action(ActionListUpcomingBills(), make_tracker(alex.customer.id))
    assert messages[0]["text"] == "You have no bills or recurring payments due in the next 30 days."


async def test_another_customers_bills_are_never_listed(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db, 1)
    sam = customer_as_of_now(action_db, 2)
    with Session(action_db) as db:
        db.add(RecurringPayment(customer_id=alex.customer.id, account_id=alex.current.id, merchant="Alex Only Gym",
                                category="fitness", kind="direct_debit", amount_minor=2_000, frequency="monthly",
                                next_date=utcnow().date()))
        db.commit()
    messages, _ = await run_action(ActionListUpcomingBills(), make_tracker(sam.customer.id))
    assert "Alex Only Gym" not in messages[0]["text"] and "2 payments" in messages[0]["text"]


async def test_unsigned_sender_is_asked_to_sign_in_and_sees_no_data(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await run_action(ActionListUpcomingBills(), make_tracker(None, sender_id=f"cust-{alex.customer.id}-x"))
    assert "sign in again" in messages[0]["text"] and "Netflix" not in messages[0]["text"]
