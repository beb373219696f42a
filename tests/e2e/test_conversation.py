"""A customer converses with the running assistant over HTTP and the bank's records change only as agreed."""

from __future__ import annotations

import pytest
from sqlmodel import Session, create_engine, select

from assistant.bank.models import Account, AccountKind, Card, CardStatus, Payee, Transfer
from assistant.bank.money import format_money
from assistant.chat_client import ChatClient, button_payloads, custom_payloads, texts
from assistant.local_stack import Stack

pytestmark = pytest.mark.e2e


def _db(stack: Stack) -> Session:
    return Session(create_engine(stack.database_url))


def _account(stack: Stack, customer_id: int, kind: AccountKind) -> Account:
    with _db(stack) as db:
        return db.exec(select(Account).where(Account.customer_id == customer_id, Account.kind == kind)).first()


def _internal_payee(stack: Stack, customer_id: int, account_id: int) -> Payee:
    with _db(stack) as db:
        return db.exec(select(Payee).where(Payee.customer_id == customer_id, Payee.account_id == account_id)).one()


def _external_payee(stack: Stack, customer_id: int) -> Payee:
    with _db(stack) as db:
        return db.exec(select(Payee).where(Payee.customer_id == customer_id, Payee.account_id.is_(None))).first()


def test_balance_reply_quotes_the_current_account_balance_in_the_database(stack: Stack) -> None:
    customer = ChatClient(stack.gateway_url, 1)
    replies = customer.say("what's my balance?")
    current = _account(stack, 1, AccountKind.current)
    assert format_money(current.balance_minor) in texts(replies)


def test_transaction_search_returns_only_that_merchants_transactions(stack: Stack) -> None:
    customer = ChatClient(stack.gateway_url, 1)
    replies = customer.say("show me my Tesco transactions")
    tables = custom_payloads(replies, "transactions")
    assert tables and tables[0]["items"], texts(replies)
    assert all("tesco" in item["merchant"].lower() for item in tables[0]["items"])


def test_confirmed_transfer_debits_the_source_and_credits_the_destination(stack: Stack) -> None:
    current_before = _account(stack, 2, AccountKind.current)
    savings_before = _account(stack, 2, AccountKind.savings)
    payee = _internal_payee(stack, 2, savings_before.id)
    customer = ChatClient(stack.gateway_url, 2)

    customer.say("I want to transfer some money")
    customer.say("£25")
    asked = customer.say(payee.name)
    current = '/inform{"account_type": "current"}'
    assert current in button_payloads(asked), texts(asked)  # a customer can only press a button offered
    confirmation = customer.say(current)
    assert "/affirm" in button_payloads(confirmation), texts(confirmation)
    done = customer.say("/affirm")

    current_after = _account(stack, 2, AccountKind.current)
    savings_after = _account(stack, 2, AccountKind.savings)
    assert (current_before.balance_minor - current_after.balance_minor,
            savings_after.balance_minor - savings_before.balance_minor) == (2500, 2500), texts(done)


def test_declined_transfer_moves_no_money(stack: Stack) -> None:
    current_before = _account(stack, 3, AccountKind.current)
    payee = _external_payee(stack, 3)
    customer = ChatClient(stack.gateway_url, 3)

    confirmation = customer.say(f"send £40 to {payee.name} from my current account")
    assert "/deny" in button_payloads(confirmation), texts(confirmation)
    customer.say("/deny")

    with _db(stack) as db:
        transfers = db.exec(select(Transfer).where(Transfer.customer_id == 3)).all()
    assert (_account(stack, 3, AccountKind.current).balance_minor, transfers) == (current_before.balance_minor, [])


def test_confirmed_card_freeze_freezes_the_debit_card(stack: Stack) -> None:
    customer = ChatClient(stack.gateway_url, 1)
    question = customer.say("please freeze my debit card")
    assert "/affirm" in button_payloads(question), texts(question)
    customer.say("/affirm")
    with _db(stack) as db:
        card = db.exec(select(Card).where(Card.customer_id == 1, Card.kind == "debit")).first()
    assert card.status == CardStatus.frozen


def test_a_question_about_a_late_card_is_answered_from_the_card_arrival_article(stack: Stack) -> None:
    replies = ChatClient(stack.gateway_url, 2).say("my card still hasn't arrived, what do I do?")
    articles = custom_payloads(replies, "article")
    assert (articles[0]["id"] if articles else None, "Source:" in texts(replies)) == ("card-arrival", True)


def test_a_joke_request_is_not_answered_from_the_knowledge_base(stack: Stack) -> None:
    replies = ChatClient(stack.gateway_url, 3).say("tell me a joke about penguins")
    assert custom_payloads(replies, "article") == []
