"""action_spending_summary: spending by category for a period, with the chart payload."""

from __future__ import annotations

import calendar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from actions.spending import ActionSpendingSummary
from assistant.bank.models import Transaction
from assistant.db import utcnow
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords, build_customer


def customer_as_of_now(engine: Engine, number: int = 1) -> CustomerRecords:
    with Session(engine, expire_on_commit=False) as db:
        return build_customer(db, number, as_of=utcnow())


def period(text: str) -> list[dict]:
    return [{"entity": "period", "value": text}]


async def test_summary_states_the_total_and_biggest_categories(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, events = await run_action(ActionSpendingSummary(), make_tracker(alex.customer.id, entities=period("last 30 days")))
    assert messages[0]["text"] == ("You spent £131.05 in the last 30 days. "
                                   "Biggest categories: groceries £106.30, transport £16.30, dining £8.45.")
    assert events == []


async def test_summary_sends_the_spending_chart_payload(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await run_action(ActionSpendingSummary(), make_tracker(alex.customer.id, entities=period("last 30 days")))
    chart = messages[0]["custom"]
    assert (chart["type"], chart["currency"], chart["total"], chart["period"]["label"]) == (
        "spending_chart", "GBP", "131.05", "the last 30 days")
    assert chart["categories"][0] == {"category": "groceries", "amount": "106.30"}


async def test_summary_for_one_category(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    tracker = make_tracker(alex.customer.id, entities=period("last 30 days") + [{"entity": "category", "value": "groceries"}])
    messages, _ = await run_action(ActionSpendingSummary(), tracker)
    assert messages[0]["text"] == "You spent £106.30 on groceries in the last 30 days."


async def test_without_a_period_the_summary_is_for_this_month(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    with Session(action_db) as db:
        db.add(Transaction(external_id="now", customer_id=alex.customer.id, account_id=alex.current.id, booked_at=utcnow(),
                           amount_minor=-1_000, merchant="Boots", category="health", channel="card_present"))
        db.commit()
    now = utcnow()
    messages, _ = await run_action(ActionSpendingSummary(), make_tracker(alex.customer.id))
    assert messages[0]["custom"]["period"]["label"] == f"{calendar.month_name[now.month]} {now.year}"


async def test_a_period_with_no_spending_says_so_and_sends_no_chart(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await run_action(ActionSpendingSummary(), make_tracker(alex.customer.id, entities=period("in 2019")))
    assert messages[0]["text"].startswith("I don't see any spending in 2019.")
    assert not messages[0]["custom"]


async def test_a_period_that_cannot_be_understood_gets_examples(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, events = await run_action(ActionSpendingSummary(), make_tracker(alex.customer.id, entities=period("blue moon")))
    assert messages[0]["text"].startswith('I couldn\'t work out the dates in "blue moon".')
    assert '"last month"' in messages[0]["text"] and events == []


async def test_another_customers_spending_is_never_counted(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db, 1)
    sam = customer_as_of_now(action_db, 2)
    with Session(action_db) as db:
        db.add(Transaction(external_id="alex-only", customer_id=alex.customer.id, account_id=alex.current.id,
                           booked_at=utcnow(), amount_minor=-99_900, merchant="Harrods", category="shopping",
                           channel="card_present"))
        db.commit()
    messages, _ = await run_action(ActionSpendingSummary(), make_tracker(sam.customer.id, entities=period("last 30 days")))
    assert "£131.05" in messages[0]["text"] and "shopping" not in messages[0]["text"]


async def test_unsigned_sender_is_asked_to_sign_in_and_sees_no_data(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await run_action(ActionSpendingSummary(), make_tracker(None, sender_id=f"cust-{alex.customer.id}-x"))
    assert "sign in again" in messages[0]["text"] and not messages[0]["custom"]
