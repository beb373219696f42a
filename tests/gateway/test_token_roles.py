"""Customer tokens say they are a customer's; a token with another role (an agent's) never reaches a customer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest

from assistant.gateway.auth import CUSTOMER_ROLE, ISSUER, NotACustomerToken, issue_token, verify_token
from assistant.settings import Settings

SETTINGS = Settings(jwt_secret="role-test-secret-that-is-32-bytes!", jwt_ttl_seconds=3600)


def _token(**claims: object) -> str:
    now = datetime.now(timezone.utc)
    return jwt.encode({"sub": "7", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1), **claims},
                      SETTINGS.jwt_secret, algorithm="HS256")


def test_customer_tokens_carry_the_customer_role() -> None:
    claims = jwt.decode(issue_token(7, SETTINGS), SETTINGS.jwt_secret, algorithms=["HS256"], issuer=ISSUER)
    assert claims["role"] == CUSTOMER_ROLE


def test_a_token_with_the_agent_role_is_refused_as_not_a_customers() -> None:
    with pytest.raises(NotACustomerToken):
        verify_token(_token(role="agent"), SETTINGS)


def test_a_token_issued_before_roles_existed_still_signs_in_its_customer() -> None:
    assert verify_token(_token(), SETTINGS) == 7
