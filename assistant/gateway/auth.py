"""Sign-in tokens, verified in one place: the gateway's own HS256 tokens and the bank's identity provider's.

The gateway issues HS256 tokens itself for demo sign-in (embedded profile) and agents' password sign-in (where the
bank keeps it). In production, customers and agents bring access tokens from the bank's OpenID Connect provider,
checked against its published keys (JWKS): RS256/ES256 only, issuer, audience, expiry and not-before. Which of the
two a token is comes from its issuer; each then pins its own key and algorithms, so a token never chooses them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from jwt import PyJWKClient, PyJWKClientConnectionError, PyJWKClientError, PyJWKSetError

from assistant.configuration import ASYMMETRIC_ALGORITHMS
from assistant.settings import Settings

ISSUER = "assistant-gateway"
_LOCAL_ALGORITHM = "HS256"
CUSTOMER_ROLE = "customer"
AGENT_ROLE = "agent"
_JWKS_TIMEOUT_SECONDS = 5.0


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or not ours."""


class NotACustomerToken(InvalidToken):
    """The token is genuine but signs in someone other than a customer (a support agent)."""


class NotAnAgentToken(InvalidToken):
    """The token is genuine but was issued to someone who is not a support agent (a customer)."""


class IdentityProviderUnavailable(Exception):
    """The identity provider's keys could not be fetched, so no token of theirs can be checked now."""


@dataclass(frozen=True)
class SignIn:
    """Who a verified token signs in: its issuer and subject, the role, a display name and when it expires."""

    issuer: str
    subject: str
    role: str
    name: str
    expires_at: float

    @property
    def issued_here(self) -> bool:
        """Whether the gateway issued the token itself (its subject is then our own customer or agent id)."""
        return self.issuer == ISSUER

    def seconds_left(self, now: datetime | None = None) -> float:
        """How long the token stays valid."""
        return self.expires_at - (now or datetime.now(timezone.utc)).timestamp()


def _issue(subject: str, role: str, settings: Settings, now: datetime | None, **extra: Any) -> str:
    issued_at = now or datetime.now(timezone.utc)
    claims = {"sub": subject, "role": role, "iss": ISSUER, "iat": issued_at,
              "exp": issued_at + timedelta(seconds=settings.jwt_ttl_seconds), **extra}
    return jwt.encode(claims, settings.jwt_secret, algorithm=_LOCAL_ALGORITHM)


def issue_token(customer_id: int, settings: Settings, now: datetime | None = None) -> str:
    """A signed token saying the bearer is this customer, valid for settings.jwt_ttl_seconds."""
    return _issue(str(customer_id), CUSTOMER_ROLE, settings, now)


def issue_agent_token(agent_id: int, name: str, settings: Settings, now: datetime | None = None) -> str:
    """A signed token saying the bearer is this support agent, valid for settings.jwt_ttl_seconds."""
    return _issue(str(agent_id), AGENT_ROLE, settings, now, name=name)


def _claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by dotted path (realm_access.roles), or None."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _has_role(claims: dict[str, Any], path: str, role: str) -> bool:
    value = _claim(claims, path)
    if isinstance(value, str):
        return role in value.split()  # a space-separated list, as OAuth scopes are written
    return isinstance(value, list) and role in value


class TokenVerifier:
    """Checks sign-in tokens; one per gateway, so the identity provider's keys are fetched once and cached."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        # The start-up check refuses other algorithms; dropping them here too keeps a test app just as strict.
        self._algorithms = [name for name in settings.oidc_algorithms if name in ASYMMETRIC_ALGORITHMS]
        self._keys = PyJWKClient(settings.oidc_jwks_url, lifespan=settings.oidc_jwks_cache_seconds,
                                 cooldown_duration=settings.oidc_jwks_refresh_seconds,
                                 timeout=_JWKS_TIMEOUT_SECONDS) if settings.oidc_enabled else None

    async def verify(self, token: str) -> SignIn:
        """Who the token signs in; InvalidToken if it is not valid, IdentityProviderUnavailable if uncheckable."""
        if self._keys is not None and _unverified_issuer(token) == self._settings.oidc_issuer:
            # Fetching the provider's keys blocks (urllib); it must not hold up the event loop.
            return await asyncio.to_thread(self.verify_blocking, token)
        return self.verify_blocking(token)

    def verify_blocking(self, token: str) -> SignIn:
        """verify() for code that is not on the event loop (it may fetch the provider's keys)."""
        issuer = _unverified_issuer(token)
        if issuer == ISSUER:
            return self._issued_here(token)
        if self._keys is not None and issuer == self._settings.oidc_issuer:
            return self._from_identity_provider(token)
        raise InvalidToken("the sign-in token was not issued by anyone we trust")

    def _issued_here(self, token: str) -> SignIn:
        settings = self._settings
        claims = _decode(token, settings.jwt_secret, algorithms=[_LOCAL_ALGORITHM], issuer=ISSUER,
                         options={"require": ["sub", "exp", "iat", "iss"]})
        role = claims.get("role", CUSTOMER_ROLE)  # tokens issued before roles existed are customers'
        # The gateway issues each kind only where it offers that sign-in; its key alone admits nobody else.
        if role == CUSTOMER_ROLE and not settings.demo_sign_in_enabled:
            raise InvalidToken("customers sign in with the bank's identity provider here")
        if role == AGENT_ROLE and not settings.agent_password_sign_in:
            raise InvalidToken("agents sign in with the bank's identity provider here")
        subject = str(claims["sub"])
        if role not in (CUSTOMER_ROLE, AGENT_ROLE) or not subject.isdigit():
            raise InvalidToken("the sign-in token is not valid")
        return SignIn(ISSUER, subject, role, str(claims.get("name") or ""), float(claims["exp"]))

    def _from_identity_provider(self, token: str) -> SignIn:
        settings = self._settings
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("the sign-in token is not valid") from exc
        if algorithm not in self._algorithms:  # before any key is fetched: `none`, HS256 and the like
            raise InvalidToken("the sign-in token is not signed the way the identity provider signs")
        assert self._keys is not None
        try:
            key = self._keys.get_signing_key_from_jwt(token)
        except (PyJWKClientConnectionError, PyJWKSetError) as exc:  # unreachable, or publishing no usable key
            raise IdentityProviderUnavailable("the identity provider's keys cannot be fetched") from exc
        except (PyJWKClientError, jwt.InvalidTokenError) as exc:
            raise InvalidToken("the sign-in token is signed with a key the identity provider does not publish") \
                from exc
        # The key carries its own algorithm (from its type); PyJWT refuses a token whose header says another.
        claims = _decode(token, key, algorithms=self._algorithms, issuer=settings.oidc_issuer,
                         audience=settings.oidc_audience, leeway=settings.oidc_leeway_seconds,
                         options={"require": ["sub", "exp", "iss", "aud"]})
        role = AGENT_ROLE if _has_role(claims, settings.oidc_agent_role_claim, settings.oidc_agent_role) \
            else CUSTOMER_ROLE
        name = _claim(claims, settings.oidc_name_claim)
        return SignIn(settings.oidc_issuer, str(claims["sub"]), role, name if isinstance(name, str) else "",
                      float(claims["exp"]))


def _unverified_issuer(token: str) -> Any:
    """The issuer a token claims, read only to pick who verifies it."""
    try:
        return jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.InvalidTokenError:
        return None


def _decode(token: str, key: Any, **checks: Any) -> dict[str, Any]:
    try:
        return jwt.decode(token, key, **checks)
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("the sign-in has expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise InvalidToken("the sign-in token is not valid yet") from exc
    except jwt.InvalidIssuerError as exc:
        raise InvalidToken("the sign-in token was not issued by anyone we trust") from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken("the sign-in token is meant for another service") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise InvalidToken("the sign-in token is not valid") from exc


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or InvalidToken."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("sign in first: the request has no bearer token")
    return token.strip()
