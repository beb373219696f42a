"""Nothing personal in any service's log: a whole conversation with a transfer, with every service logging at DEBUG."""

from __future__ import annotations

import pytest
from sqlmodel import Session, create_engine, select

from assistant.bank.models import Account, AccountKind, Customer, Payee
from assistant.chat_client import ChatClient, button_payloads, texts
from assistant.local_stack import Stack

pytestmark = pytest.mark.e2e

AMOUNT = "37.45"  # unusual enough that finding it in a log means the transfer's amount leaked


def test_no_log_line_of_any_service_names_the_customer_their_account_or_the_amount(stack: Stack) -> None:
    with Session(create_engine(stack.database_url)) as db:
        customer = db.get(Customer, 1)
        account = db.exec(select(Account).where(Account.customer_id == 1, Account.kind == AccountKind.current)).first()
        payee = db.exec(select(Payee).where(Payee.customer_id == 1, Payee.account_id.is_(None))).first()
    chat = ChatClient(stack.gateway_url, 1)
    chat.say("what's my balance?")
    confirmation = chat.say(f"send £{AMOUNT} to {payee.name} from my current account")
    assert "/affirm" in button_payloads(confirmation), texts(confirmation)
    assert texts(chat.say("/affirm")).startswith("Done.")

    personal = {customer.full_name, customer.full_name.split()[-1], account.number, payee.name, payee.account_number,
                AMOUNT}
    leaks = [f"{name}: {line.strip()[:300]}" for name, lines in stack.log_lines().items() for line in lines
             if any(value in line for value in personal)]
    assert leaks == []
