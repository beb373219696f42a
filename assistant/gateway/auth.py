"""Customer sign-in tokens: HS256 JWTs whose subject is the customer id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from assistant.settings import Settings

ISSUER = "assistant-gateway"
_ALGORITHM = "HS256"
CUSTOMER_ROLE = "customer"


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or not ours."""


class NotACustomerToken(InvalidToken):
    """The token is genuine but signs in someone other than a customer (a support agent)."""


def issue_token(customer_id: int, settings: Settings, now: datetime | None = None) -> str:
    """A signed token saying the bearer is this customer, valid for settings.jwt_ttl_seconds."""
    issued_at = now or datetime.now(timezone.utc)
    claims = {
        "sub": str(customer_id),
        "role": CUSTOMER_ROLE,
        "iss": ISSUER,
        "iat": issued_at,
        "exp": issued_at + timedelta(seconds=settings.jwt_ttl_seconds),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=_ALGORITHM)


def verify_token(token: str, settings: Settings) -> int:
    """The customer id a token was issued for, or InvalidToken."""
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[_ALGORITHM],  # pinned: never let the token choose its own algorithm
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("the sign-in has expired") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise InvalidToken("the sign-in token is not valid") from exc
    # Agent tokens share the signing key; a token with any other role never stands for a customer.
    if claims.get("role", CUSTOMER_ROLE) != CUSTOMER_ROLE:
        raise NotACustomerToken("this sign-in is not a customer's")
    try:
        return int(claims["sub"])
    except (ValueError, TypeError) as exc:
        raise InvalidToken("the sign-in token is not valid") from exc


def seconds_left(token: str, now: datetime | None = None) -> float:
    """How long a token that verify_token accepted stays valid."""
    # The signature was checked by verify_token; this only reads the expiry claim.
    claims = jwt.decode(token, options={"verify_signature": False})
    return float(claims["exp"]) - (now or datetime.now(timezone.utc)).timestamp()


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or InvalidToken."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("sign in first: the request has no bearer token")
    return token.strip()
