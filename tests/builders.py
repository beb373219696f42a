"""Small, explicit bank records for service and action tests (the seeded bank is for end-to-end tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlmodel import Session

from assistant.bank.models import (
    Account,
    AccountKind,
    Card,
    Customer,
    Frequency,
    Payee,
    RecurringPayment,
    Transaction,
)

AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


@dataclass
class CustomerRecords:
    """A customer with a current account, a savings account, a credit card and payees."""

    customer: Customer
    current: Account
    savings: Account
    credit_card: Account
    debit_card: Card
    credit_card_card: Card
    payees: dict[str, Payee] = field(default_factory=dict)


def build_customer(session: Session, number: int = 1, as_of: datetime = AS_OF) -> CustomerRecords:
    """Create one customer with three accounts, two cards, three payees, bills and a few transactions."""
    customer = Customer(
        full_name=f"Alex Morgan {number}", email=f"alex{number}@example.test", birth_date=date(1988, 4, 2),
        city="Leeds", joined_at=as_of - timedelta(days=800), daily_transfer_limit_minor=1_000_000,
    )
    session.add(customer)
    session.flush()

    def account(kind: AccountKind, name: str, balance: int, **limits: int) -> Account:
        acc = Account(customer_id=customer.id, kind=kind, name=name, number=f"{number:04d}{kind.value[:2]}{len(name):02d}",
                      balance_minor=balance, opened_at=as_of - timedelta(days=700), **limits)
        session.add(acc)
        return acc

    current = account(AccountKind.current, "Everyday Current Account", 245_067, overdraft_limit_minor=100_000)
    savings = account(AccountKind.savings, "Easy Access Saver", 1_200_000)
    credit = account(AccountKind.credit_card, "Cashback Credit Card", -32_050, credit_limit_minor=500_000)
    session.flush()

    debit_card = Card(customer_id=customer.id, account_id=current.id, kind="debit", last4=f"{4000 + number}"[-4:],
                      expires_on=date(2028, 5, 31))
    credit_card = Card(customer_id=customer.id, account_id=credit.id, kind="credit", last4=f"{7000 + number}"[-4:],
                       expires_on=date(2029, 1, 31))
    session.add_all([debit_card, credit_card])
    session.flush()

    payees = {
        name: Payee(customer_id=customer.id, name=name, sort_code="20-00-00", account_number=f"{30000000 + i + number * 10}",
                    created_at=as_of - timedelta(days=300))
        for i, name in enumerate(["Mum", "James Wilson", "Oakfield Lettings"])
    }
    session.add_all(payees.values())

    bills = [
        RecurringPayment(customer_id=customer.id, account_id=current.id, merchant="Oakfield Lettings", category="rent",
                         kind="standing_order", amount_minor=95_000, frequency=Frequency.monthly,
                         next_date=(as_of + timedelta(days=10)).date()),
        RecurringPayment(customer_id=customer.id, account_id=current.id, merchant="Netflix", category="subscriptions",
                         kind="subscription", amount_minor=1_099, frequency=Frequency.monthly,
                         next_date=(as_of + timedelta(days=3)).date()),
        RecurringPayment(customer_id=customer.id, account_id=current.id, merchant="British Gas", category="utilities",
                         kind="direct_debit", amount_minor=8_400, frequency=Frequency.monthly,
                         next_date=(as_of + timedelta(days=45)).date()),
    ]
    session.add_all(bills)

    rows = [
        (1, "Tesco", "groceries", -4_520, "card_present"),
        (2, "Pret A Manger", "dining", -845, "card_present"),
        (5, "Uber", "transport", -1_630, "online"),
        (9, "Tesco", "groceries", -6_110, "card_present"),
        (20, "Acme Ltd", "salary", 280_000, "salary"),
        (35, "Netflix", "subscriptions", -1_099, "direct_debit"),
        (40, "Tesco", "groceries", -3_905, "card_present"),
    ]
    for i, (days_ago, merchant, category, amount, channel) in enumerate(rows):
        session.add(Transaction(
            external_id=f"t-{number}-{i}", customer_id=customer.id, account_id=current.id,
            card_id=debit_card.id if channel in {"card_present", "online"} else None,
            booked_at=as_of - timedelta(days=days_ago), amount_minor=amount, merchant=merchant, category=category,
            channel=channel,
        ))
    session.commit()
    return CustomerRecords(customer, current, savings, credit, debit_card, credit_card, payees)
