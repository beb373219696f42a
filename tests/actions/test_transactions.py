"""action_search_transactions: filtered recent transactions, as text and as the transactions payload."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from actions.transactions import ActionSearchTransactions
from assistant.bank.models import Transaction
from assistant.db import utcnow
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords, build_customer


def customer_as_of_now(engine: Engine, number: int = 1) -> CustomerRecords:
    with Session(engine, expire_on_commit=False) as db:
        return build_customer(db, number, as_of=utcnow())


def entities(**values: str) -> list[dict]:
    return [{"entity": name, "value": value} for name, value in values.items()]


async def search(customer_id: int, **values: str) -> tuple[list[dict], list[dict]]:
    return await run_action(ActionSearchTransactions(), make_tracker(customer_id, entities=entities(**values)))


async def test_merchant_search_lists_matches_newest_first(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, events = await search(alex.customer.id, merchant="tesco")
    text = messages[0]["text"]
    assert text.startswith("Here are your latest 3 transactions at tesco:")
    assert [line.rsplit(", ", 1)[1] for line in text.splitlines()[1:]] == ["-£45.20", "-£61.10", "-£39.05"]
    assert events == []


async def test_search_sends_the_transactions_payload(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await search(alex.customer.id, merchant="Netflix")
    payload = messages[0]["custom"]
    assert payload["type"] == "transactions"
    assert [(i["merchant"], i["amount"], i["currency"]) for i in payload["items"]] == [("Netflix", "-10.99", "GBP")]


async def test_category_and_period_filters_combine(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await search(alex.customer.id, category="groceries", period="last 30 days")
    assert messages[0]["text"].startswith("Here are your latest 2 transactions in groceries in the last 30 days:")


async def test_without_filters_the_latest_ten_are_listed(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    with Session(action_db) as db:
        for day in range(12):
            db.add(Transaction(external_id=f"coffee-{day}", customer_id=alex.customer.id, account_id=alex.current.id,
                               booked_at=utcnow(), amount_minor=-300, merchant="Caffe Nero", category="dining",
                               channel="card_present"))
        db.commit()
    messages, _ = await search(alex.customer.id)
    assert len(messages[0]["custom"]["items"]) == 10


async def test_nothing_found_says_so_and_suggests_widening(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await search(alex.customer.id, merchant="uber", period="yesterday")
    text = messages[0]["text"]
    assert text.startswith("I couldn't find any transactions at uber yesterday.")
    assert 'a longer period, like "last 3 months"' in text
    assert not messages[0]["custom"]


async def test_unknown_merchant_suggests_checking_the_spelling(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await search(alex.customer.id, merchant="Harrods")
    assert "checking the spelling of the shop" in messages[0]["text"]


async def test_a_period_that_cannot_be_understood_gets_examples(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, events = await search(alex.customer.id, period="the olden days")
    assert messages[0]["text"].startswith('I couldn\'t work out the dates in "the olden days".')
    assert '"since March"' in messages[0]["text"] and events == []


async def test_another_customers_transactions_are_never_shown(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db, 1)
    sam = customer_as_of_now(action_db, 2)
    with Session(action_db) as db:
        db.add(Transaction(external_id="alex-only", customer_id=alex.customer.id, account_id=alex.current.id,
                           booked_at=utcnow(), amount_minor=-99_900, merchant="Harrods", category="shopping",
                           channel="card_present"))
        db.commit()
    messages, _ = await search(sam.customer.id, merchant="Harrods")
    assert messages[0]["text"].startswith("I couldn't find any transactions at Harrods")


async def test_unsigned_sender_is_asked_to_sign_in_and_sees_no_data(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    tracker = make_tracker(None, sender_id=f"cust-{alex.customer.id}-forged", entities=entities(merchant="tesco"))
    messages, _ = await run_action(ActionSearchTransactions(), tracker)
    assert "sign in again" in messages[0]["text"] and not messages[0]["custom"]


async def test_amount_range_over_keeps_larger_amounts(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await search(alex.customer.id, amount_range="over £50")
    assert [i["amount"] for i in messages[0]["custom"]["items"]] == ["-61.10", "2800.00"]


async def test_amount_range_under_keeps_smaller_amounts(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await search(alex.customer.id, amount_range="under 20 pounds", merchant="uber")
    assert [i["amount"] for i in messages[0]["custom"]["items"]] == ["-16.30"]
    assert messages[0]["text"].startswith("Here is your latest transaction at uber under 20 pounds:")


async def test_amount_range_with_nothing_inside_suggests_a_wider_range(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, _ = await search(alex.customer.id, amount_range="between £100 and £200")
    assert "a wider amount range" in messages[0]["text"] and not messages[0]["custom"]


async def test_an_amount_range_that_cannot_be_understood_gets_examples(action_db: Engine) -> None:
    alex = customer_as_of_now(action_db)
    messages, events = await search(alex.customer.id, amount_range="over lots")
    assert messages[0]["text"].startswith('I couldn\'t understand the amount "over lots".')
    assert '"between £10 and £100"' in messages[0]["text"] and events == []
