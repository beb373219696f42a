"""Schemathesis over the production gateway's OpenAPI document, against the gateway served on a loopback port:
no request it generates gets a 5xx, and every response conforms to the document (status code, content type,
headers, body schema).

Signed in as the operation's caller (a customer, an agent or the push service), so requests get past
authentication and reach the handlers. Bounded and seeded: a fixed number of examples per operation, derived from
one seed, so a run is the same on every machine and takes seconds.
"""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import requests
import schemathesis
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from assistant.gateway.openapi import profile_document
from assistant.signing import sign
from tests.gateway.served import SUBJECTS, ServedGateway, served_gateway  # noqa: F401

SEED = 20261202
CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "generation": {"max-examples": 12, "deterministic": True, "database": "none", "mode": "all"},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
})

# Websockets are not request and response: the authorization matrix and tests/gateway/test_realtime.py cover them.
schema = schemathesis.openapi.from_dict(profile_document(demo_sign_in=False), config=CONFIG).exclude(path_regex="/ws$")


def _security(case: schemathesis.Case) -> set[str]:
    requirements = case.operation.definition.raw.get("security", [])
    return {name for requirement in requirements for name in requirement}


def _headers(stack: ServedGateway, case: schemathesis.Case) -> dict[str, str]:
    """The credentials of the caller the operation is for."""
    security, provider = _security(case), stack.identity_provider
    if "customerToken" in security:
        return {"Authorization": f"Bearer {provider.customer_token(SUBJECTS['customer A'])}"}
    if "agentToken" in security:
        return {"Authorization": f"Bearer {provider.agent_token(SUBJECTS['agent'])}"}
    return {}


def _excluded_checks(case: schemathesis.Case) -> list[Any]:
    """Checks whose premise the document cannot meet for this case."""
    excluded = []
    if isinstance(case.body, dict) and "payload" in case.body:
        # Which button payloads are valid depends on the bot's latest turn, which no schema can say: a schema-valid
        # payload may rightly get 400 button_not_offered.
        excluded.append(positive_data_acceptance)
    return excluded


def _signed_call(stack: ServedGateway, case: schemathesis.Case, session: requests.Session) -> requests.Response:
    """Send the case with its body signed as the push service signs it (the signature covers the exact bytes)."""
    kwargs: dict[str, Any] = case.as_transport_kwargs(base_url=stack.url)
    headers = dict(kwargs.pop("headers", None) or {})
    raw = json.dumps(kwargs.pop("json")).encode() if "json" in kwargs else kwargs.pop("data", b"") or b""
    if isinstance(raw, str):
        raw = raw.encode()
    headers.update({"Content-Type": "application/json", **sign(raw, stack.settings.proactive_secret)})
    return session.request(**kwargs, data=raw, headers=headers, timeout=30)


@schema.parametrize()
@hypothesis.settings(deadline=None, derandomize=True, database=None, max_examples=12,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_the_gateway_answers_every_generated_request_as_documented(served_gateway: ServedGateway,
                                                                   case: schemathesis.Case) -> None:
    with requests.Session() as session:
        if "proactiveSignature" in _security(case):
            response = _signed_call(served_gateway, case, session)
            # Schemathesis cannot sign its own probes for refused credentials (the signature covers the body); the
            # authorization matrix sends them.
            case.validate_response(response, excluded_checks=[*_excluded_checks(case), ignored_auth])
        else:
            case.call_and_validate(base_url=served_gateway.url, session=session, headers=_headers(served_gateway, case),
                                   excluded_checks=_excluded_checks(case), timeout=30)
