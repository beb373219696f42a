"""What a proactive message says: the push notification's title and body, and the facts both it and the chat use."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from assistant.bank.accounts import AccountBalance, balance_of
from assistant.bank.catalogue import PRODUCTS, ProductSpec
from assistant.bank.models import Account
from assistant.bank.money import format_money
from assistant.bank.unusual_purchases import PurchaseNotFound, describe_purchase, find_purchase
from assistant.proactive.requests import ProactiveRequest


class UnknownSubject(LookupError):
    """The transaction, account or product the event is about is not the customer's, or does not exist."""


@dataclass(frozen=True)
class Notification:
    """The push notification to show: tapping it opens the chat."""

    title: str
    body: str
    deep_link: str

    def as_json(self) -> dict[str, str]:
        """The notification as the proactive endpoint returns it."""
        return asdict(self)


def customer_account(session: Session, customer_id: int, account_id: int) -> AccountBalance:
    """The balance of one of the customer's own accounts; UnknownSubject for anyone else's."""
    account = session.get(Account, account_id)
    if account is None or account.customer_id != customer_id:
        raise UnknownSubject(f"customer {customer_id} has no account {account_id}")
    return balance_of(account)


def find_product(code: str) -> ProductSpec:
    """A product of the catalogue by code; UnknownSubject when there is none."""
    product = next((product for product in PRODUCTS if product.code == code), None)
    if product is None:
        raise UnknownSubject(f"there is no product {code!r}")
    return product


def _text(session: Session, request: ProactiveRequest) -> tuple[str, str]:
    data = request.data
    if request.event == "unusual_purchase":
        try:
            purchase = find_purchase(session, request.customer_id, data["transaction_id"])
        except PurchaseNotFound as exc:
            raise UnknownSubject(f"customer {request.customer_id} has no transaction {data['transaction_id']!r}") from exc
        return "Was this you?", f"{describe_purchase(purchase)}. Tap to tell us if it wasn't you."
    if request.event == "upcoming_bill":
        due = date.fromisoformat(data["due_date"])
        return ("Bill due soon",
                f"{data['merchant']} will take {format_money(Decimal(data['amount']))} on {due:%-d %b}. "
                "Tap to check you're ready.")
    if request.event == "low_balance":
        account = customer_account(session, request.customer_id, data["account_id"])
        return "Low balance", f"Your {account.name} is at {format_money(account.balance, account.currency)}."
    product = find_product(data["product_code"])
    return f"For you: {product.name}", product.description


def build_notification(session: Session, request: ProactiveRequest, deep_link_base: str) -> Notification:
    """The notification for a proactive request; UnknownSubject if its subject is not the customer's."""
    title, body = _text(session, request)
    link = f"{deep_link_base}?{urlencode({'event': request.event, 'ref': request.idempotency_key})}"
    return Notification(title=title, body=body, deep_link=link)


def trigger_entities(request: ProactiveRequest) -> dict[str, Any]:
    """The entities the EXTERNAL_<event> intent carries into the conversation (docs: domain.yml entities)."""
    data = request.data
    if request.event == "unusual_purchase":
        return {"transaction_id": data["transaction_id"], "alert_reason": data["reason"]}
    if request.event == "upcoming_bill":
        return {"bill_merchant": data["merchant"], "bill_amount": data["amount"], "bill_due_date": data["due_date"]}
    if request.event == "low_balance":
        return {"account_id": str(data["account_id"])}
    return {"product_code": data["product_code"]}
