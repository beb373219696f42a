"""The proactive request body: which customer, which event, its data and the idempotency key, validated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.event_kinds import EVENTS

MAX_KEY_CHARS = 200
_AMOUNT = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,2})?$")


class InvalidProactiveRequest(ValueError):
    """The body is not a proactive request; the message says what is wrong."""


@dataclass(frozen=True)
class ProactiveRequest:
    """A validated request to start a proactive conversation."""

    customer_id: int
    event: str
    data: dict[str, Any]
    idempotency_key: str


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(data: dict[str, Any], name: str, required: bool = True) -> str:
    value = data.get(name, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidProactiveRequest(f'"data.{name}" must be a non-empty string.')
    return value.strip()


def _optional_whole(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is not None and not _whole(value):
        raise InvalidProactiveRequest(f'"data.{name}" must be a whole number or null.')
    return value


def _amount(data: dict[str, Any]) -> str:
    raw = data.get("amount")
    try:
        valid = isinstance(raw, str) and bool(_AMOUNT.match(raw)) and Decimal(raw) > 0
    except InvalidOperation:
        valid = False
    if not valid:
        raise InvalidProactiveRequest('"data.amount" must be a positive amount as a string, like "12.34".')
    return str(Decimal(raw).quantize(Decimal("0.01")))


def _due_date(data: dict[str, Any]) -> str:
    raw = data.get("due_date")
    try:
        if isinstance(raw, str) and len(raw) == 10:
            return date.fromisoformat(raw).isoformat()
    except ValueError:
        pass
    raise InvalidProactiveRequest('"data.due_date" must be a date like "2026-12-01".')


def _event_data(event: str, data: dict[str, Any]) -> dict[str, Any]:
    reason = _text(data, "reason", required=False)
    if event == "unusual_purchase":
        return {"transaction_id": _text(data, "transaction_id"), "alert_id": _optional_whole(data, "alert_id"),
                "reason": reason}
    if event == "upcoming_bill":
        return {"merchant": _text(data, "merchant"), "amount": _amount(data), "due_date": _due_date(data),
                "alert_id": _optional_whole(data, "alert_id"), "reason": reason}
    if event == "low_balance":
        if not _whole(data.get("account_id")):
            raise InvalidProactiveRequest('"data.account_id" must be a whole number.')
        return {"account_id": data["account_id"], "reason": reason}
    return {"product_code": _text(data, "product_code"), "reason": reason}


def parse_request(body: dict[str, Any]) -> ProactiveRequest:
    """The request a JSON body describes, or InvalidProactiveRequest saying what is wrong."""
    customer_id, event, data, key = (body.get(name) for name in ("customer_id", "event", "data", "idempotency_key"))
    if not _whole(customer_id):
        raise InvalidProactiveRequest('"customer_id" must be a whole number.')
    if event not in EVENTS:
        raise InvalidProactiveRequest(f'"event" must be one of {", ".join(EVENTS)}.')
    if not isinstance(data, dict):
        raise InvalidProactiveRequest('"data" must be a JSON object.')
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_CHARS:
        raise InvalidProactiveRequest(f'"idempotency_key" must be a non-empty string of at most {MAX_KEY_CHARS} characters.')
    return ProactiveRequest(customer_id=customer_id, event=event, data=_event_data(event, data), idempotency_key=key)
