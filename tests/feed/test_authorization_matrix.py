"""The feed's authorization matrix: every operation of the feed's OpenAPI document × every kind of caller, with the
status each must get from the production feed. Generated from the document: a new route without a row fails."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from assistant.feed.client import signed_headers
from assistant.feed.openapi import openapi_document
from assistant.signing import sign
from tests.feed.served import SOURCES, ServedFeed, served_feed  # noqa: F401
from tests.identity_provider import IdentityProvider

METHODS = ("get", "post", "put", "patch", "delete")
CALLERS = ("no signature", "right source", "wrong source", "unknown source", "stale signature", "customer token",
           "push service")


def row(*statuses: int) -> dict[str, int]:
    """One operation's expectations, in the order of CALLERS."""
    assert len(statuses) == len(CALLERS)
    return dict(zip(CALLERS, statuses))


# Columns:                             none  right wrong unknown stale customer push
EXPECTED: dict[str, dict[str, int]] = {
    "POST /api/v1/transactions":       row(401,  202,  401,  401,    401,  401,     401),
    "GET /api/v1/openapi.json":        row(200,  200,  200,  200,    200,  200,     200),
    "GET /healthz":                    row(200,  200,  200,  200,    200,  200,     200),
}


def _record() -> dict[str, Any]:
    booked = (datetime.now(timezone.utc) - timedelta(hours=2)).replace(microsecond=0).isoformat()
    return {"transaction_id": f"matrix-{uuid.uuid4().hex[:16]}", "customer_id": 1, "account_id": 1, "card_id": 1,
            "booked_at": booked, "amount": "-23.40", "currency": "GBP", "merchant": "Tesco", "category": "groceries",
            "channel": "card_present", "country": "GB"}


BODIES: dict[str, Callable[[], dict[str, Any] | None]] = {
    "POST /api/v1/transactions": lambda: {"transactions": [_record()]},
    "GET /api/v1/openapi.json": lambda: None,
    "GET /healthz": lambda: None,
}


def credentials(feed: ServedFeed, name: str, raw: bytes) -> dict[str, str]:
    """The headers a caller sends with this body."""
    if name == "no signature":
        return {}
    if name == "right source":
        return signed_headers(raw, "core-banking", SOURCES["core-banking"])
    if name == "wrong source":  # one source's name, signed with another source's secret
        return signed_headers(raw, "core-banking", SOURCES["cards"])
    if name == "unknown source":
        return signed_headers(raw, "someone-else", SOURCES["core-banking"])
    if name == "stale signature":
        return signed_headers(raw, "core-banking", SOURCES["core-banking"], int(time.time()) - 600)
    if name == "customer token":  # a sign-in of the customer app, which is no key to the feed
        return {"Authorization": f"Bearer {IdentityProvider().customer_token('idp-subject-customer-a')}"}
    if name == "push service":  # signed with the push service's secret, for another door
        return sign(raw, feed.settings.proactive_secret)
    raise AssertionError(f"no such caller: {name}")


def documented_operations() -> list[str]:
    """Every operation the feed documents, as "METHOD /path"."""
    return [f"{method.upper()} {path}" for path, item in openapi_document()["paths"].items()
            for method in METHODS if method in item]


CASES = [pytest.param(operation, name, id=f"{operation} · {name}") for operation in documented_operations()
         for name in CALLERS]


@pytest.mark.parametrize(("operation", "name"), CASES)
def test_each_caller_gets_the_status_the_matrix_expects(served_feed: ServedFeed, operation: str, name: str) -> None:
    assert operation in EXPECTED and operation in BODIES, f"{operation} has no row in the feed's authorization matrix"
    method, _, path = operation.partition(" ")
    body = BODIES[operation]()
    raw = b"" if body is None else json.dumps(body).encode()
    json_type = {"Content-Type": "application/json"} if body is not None else {}
    headers = {**credentials(served_feed, name, raw), **json_type}
    response = requests.request(method, f"{served_feed.url}{path}", data=raw, headers=headers, timeout=30)
    assert response.status_code == EXPECTED[operation][name], response.text


def test_the_matrix_has_no_row_for_an_operation_that_is_not_documented() -> None:
    assert set(EXPECTED) == set(BODIES) == set(documented_operations())
