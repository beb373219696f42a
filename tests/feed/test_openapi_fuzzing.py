"""Schemathesis over the feed's OpenAPI document, against the production feed served on a loopback port: no request it
generates gets a 5xx, and every response conforms to the document. Each generated body is signed by a configured
source, so requests reach the record checks. Bounded and seeded like the gateway's (tests/gateway/)."""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import requests
import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from assistant.feed.client import signed_headers
from assistant.feed.openapi import openapi_document
from tests.feed.served import SOURCES, ServedFeed, served_feed  # noqa: F401

CONFIG = schemathesis.Config.from_dict({
    "seed": 20261202,
    "generation": {"max-examples": 25, "deterministic": True, "database": "none", "mode": "all"},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
})
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


def _signed_call(feed: ServedFeed, case: schemathesis.Case, session: requests.Session) -> requests.Response:
    """Send the case signed by the core-banking source (the signature covers the exact bytes sent)."""
    kwargs: dict[str, Any] = case.as_transport_kwargs(base_url=feed.url)
    headers = dict(kwargs.pop("headers", None) or {})
    raw = json.dumps(kwargs.pop("json")).encode() if "json" in kwargs else kwargs.pop("data", b"") or b""
    if isinstance(raw, str):
        raw = raw.encode()
    headers.update(signed_headers(raw, "core-banking", SOURCES["core-banking"]))
    return session.request(**kwargs, data=raw, headers=headers, timeout=30)


def _excluded_checks(case: schemathesis.Case) -> list[Any]:
    """Checks whose premise the signed request breaks."""
    # Schemathesis cannot sign its own probes for refused credentials (the signature covers the body);
    # tests/feed/test_authorization_matrix.py sends them: no, wrong, unknown and stale signatures.
    excluded: list[Any] = [ignored_auth]
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        # The generated source and timestamp headers are replaced by real ones, so that case is not sent.
        excluded.append(negative_data_rejection)
    return excluded


@schema.parametrize()
@hypothesis.settings(deadline=None, derandomize=True, database=None, max_examples=25,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_the_feed_answers_every_generated_request_as_documented(served_feed: ServedFeed,
                                                                case: schemathesis.Case) -> None:
    with requests.Session() as session:
        if case.operation.method.upper() == "POST":
            case.validate_response(_signed_call(served_feed, case, session), excluded_checks=_excluded_checks(case))
        else:
            case.call_and_validate(base_url=served_feed.url, session=session, timeout=30)
