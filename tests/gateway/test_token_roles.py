"""Customer tokens say they are a customer's; a token with another role (an agent's) never reaches a customer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest

from assistant.gateway.auth import AGENT_ROLE, CUSTOMER_ROLE, ISSUER, TokenVerifier, issue_token
from assistant.settings import Settings

SETTINGS = Settings(jwt_secret="role-test-secret-that-is-32-bytes!", jwt_ttl_seconds=3600)


def _token(**claims: object) -> str:
    now = datetime.now(timezone.utc)
    return jwt.encode({"sub": "7", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1), **claims},
                      SETTINGS.jwt_secret, algorithm="HS256")


def test_customer_tokens_carry_the_customer_role() -> None:
    claims = jwt.decode(issue_token(7, SETTINGS), SETTINGS.jwt_secret, algorithms=["HS256"], issuer=ISSUER)
    assert claims["role"] == CUSTOMER_ROLE


def test_a_token_with_the_agent_role_signs_in_an_agent_not_a_customer() -> None:
    assert TokenVerifier(SETTINGS).verify_blocking(_token(role="agent")).role == AGENT_ROLE


def test_a_token_issued_before_roles_existed_still_signs_in_its_customer() -> None:
    sign_in = TokenVerifier(SETTINGS).verify_blocking(_token())
    assert (sign_in.role, sign_in.subject) == (CUSTOMER_ROLE, "7")
