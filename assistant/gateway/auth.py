"""Customer sign-in tokens: HS256 JWTs whose subject is the customer id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from assistant.settings import Settings

ISSUER = "assistant-gateway"
_ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or not ours."""


def issue_token(customer_id: int, settings: Settings, now: datetime | None = None) -> str:
    """A signed token saying the bearer is this customer, valid for settings.jwt_ttl_seconds."""
    issued_at = now or datetime.now(timezone.utc)
    claims = {
        "sub": str(customer_id),
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
        return int(claims["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("the sign-in has expired") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise InvalidToken("the sign-in token is not valid") from exc


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or InvalidToken."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("sign in first: the request has no bearer token")
    return token.strip()
