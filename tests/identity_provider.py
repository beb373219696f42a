"""A loopback OpenID Connect provider for tests: a real JWKS endpoint with keys made in the test, and a token minter.

Use the `identity_provider` fixture (import it into a test module or conftest), point the gateway at it with
`provider.env()`, link subjects to customers and agents with `provider.link_customer(...)` /
`provider.link_agent(...)`, and mint tokens: `provider.customer_token(subject)`, `provider.agent_token(subject)`,
or the refused kinds (`expired_token`, `not_yet_valid_token`, `wrong_issuer_token`, `wrong_audience_token`,
`alg_none_token`, `public_key_hs256_token`, `unknown_key_token`; all of them by name: `refused_tokens`).
`provider.rotate()` publishes a new signing key. Outside pytest-aiohttp, serve `identity_provider_app(provider)` on
any loop and set `provider.url` (see tests/gateway/served.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy.engine import Engine

from assistant.bank.audit import operator_actor
from assistant.db import session_scope
from assistant.identities.links import link_agent, link_customer

AUDIENCE = "lumen-assistant"
AGENT_ROLE_CLAIM = "roles"
AGENT_ROLE = "support-agent"


@dataclass
class SigningKey:
    """A key pair the provider signs with, its key id and algorithm."""

    kid: str
    algorithm: str
    private_key: Any

    @classmethod
    def generate(cls, kind: str = "RSA") -> SigningKey:
        """A new RSA (RS256) or EC P-256 (ES256) key."""
        kid = f"{kind.lower()}-{uuid.uuid4().hex[:12]}"
        if kind == "RSA":
            return cls(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))
        if kind == "EC":
            return cls(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))
        raise ValueError(f"no such key kind: {kind}")

    def public_jwk(self) -> dict[str, Any]:
        """The public half as the JWKS publishes it."""
        algorithm = RSAAlgorithm if self.algorithm.startswith("RS") else ECAlgorithm
        jwk = algorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def public_pem(self) -> bytes:
        """The public key in PEM, as an attacker would find it."""
        return self.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


@dataclass
class IdentityProvider:
    """The provider: its issuer and audience, the published keys, and how often the JWKS was fetched."""

    url: str = ""
    audience: str = AUDIENCE
    keys: list[SigningKey] = field(default_factory=lambda: [SigningKey.generate("RSA"), SigningKey.generate("EC")])
    jwks_requests: int = 0
    available: bool = True

    @property
    def issuer(self) -> str:
        """The `iss` of its tokens."""
        return f"{self.url}/realms/lumen"

    @property
    def jwks_url(self) -> str:
        """Where its public keys are published."""
        return f"{self.url}{JWKS_PATH}"

    @property
    def signing_key(self) -> SigningKey:
        """The key tokens are signed with unless another is named (the newest published)."""
        return self.keys[0]

    def env(self, **overrides: str) -> dict[str, str]:
        """The gateway's environment for this provider (unknown key ids refetch the keys at once)."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_AUDIENCE": self.audience, "OIDC_JWKS_URL": self.jwks_url,
                "OIDC_ALGORITHMS": "RS256,ES256", "OIDC_AGENT_ROLE_CLAIM": AGENT_ROLE_CLAIM,
                "OIDC_AGENT_ROLE": AGENT_ROLE, "OIDC_JWKS_REFRESH_SECONDS": "0", **overrides}

    async def jwks(self, request: web.Request) -> web.Response:
        """GET of the key set."""
        self.jwks_requests += 1
        if not self.available:
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response({"keys": [key.public_jwk() for key in self.keys]})

    def rotate(self, kind: str = "RSA", retire_old: bool = True) -> SigningKey:
        """Publish a new signing key first in the set (dropping the old ones unless retire_old is False)."""
        key = SigningKey.generate(kind)
        self.keys = [key] if retire_old else [key, *self.keys]
        return key

    def claims(self, subject: str, *, agent: bool = False, lifetime: float = 300, **extra: Any) -> dict[str, Any]:
        """An access token's claims for the subject (the agent role when agent is True)."""
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "aud": self.audience, "sub": subject, "iat": now,
                                  "nbf": now, "exp": now + int(lifetime), "azp": "lumen-app"}
        if agent:
            claims[AGENT_ROLE_CLAIM] = [AGENT_ROLE]
            claims["name"] = extra.pop("name", f"Agent {subject}")
        return {**claims, **extra}

    def sign(self, claims: dict[str, Any], key: SigningKey | None = None, **header: Any) -> str:
        """Claims signed with a published key (the current signing key by default)."""
        key = key or self.signing_key
        return jwt.encode(claims, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid, **header})

    def token(self, subject: str, *, agent: bool = False, key: SigningKey | None = None, **claims: Any) -> str:
        """A valid access token for the subject; extra keyword arguments override claims."""
        return self.sign(self.claims(subject, agent=agent, **claims), key)

    def customer_token(self, subject: str, **claims: Any) -> str:
        """A valid access token of a customer."""
        return self.token(subject, **claims)

    def agent_token(self, subject: str, **claims: Any) -> str:
        """A valid access token with the support-agent role."""
        return self.token(subject, agent=True, **claims)

    def expired_token(self, subject: str, agent: bool = False) -> str:
        """Expired ten minutes ago (well past any allowed clock skew)."""
        now = int(time.time())
        return self.token(subject, agent=agent, iat=now - 1200, nbf=now - 1200, exp=now - 600)

    def not_yet_valid_token(self, subject: str, agent: bool = False) -> str:
        """Valid only from ten minutes from now."""
        now = int(time.time())
        return self.token(subject, agent=agent, nbf=now + 600, exp=now + 1200)

    def wrong_issuer_token(self, subject: str, agent: bool = False) -> str:
        """Signed with the provider's real key but naming another issuer."""
        return self.token(subject, agent=agent, iss="https://attacker.example/realms/lumen")

    def wrong_audience_token(self, subject: str, agent: bool = False) -> str:
        """Signed with the provider's real key for another service."""
        return self.token(subject, agent=agent, aud="another-service")

    def alg_none_token(self, subject: str, agent: bool = False) -> str:
        """Unsigned (`alg: none`) with otherwise valid claims and a published key id."""
        header = {"alg": "none", "typ": "JWT", "kid": self.signing_key.kid}
        return _unsigned(header, self.claims(subject, agent=agent)) + "."

    def public_key_hs256_token(self, subject: str, agent: bool = False) -> str:
        """HS256 with the published RSA public key (PEM) as the HMAC secret: the key-confusion attack."""
        key = next(k for k in self.keys if k.algorithm == "RS256")
        signing_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": key.kid}, self.claims(subject, agent=agent))
        signature = hmac.new(key.public_pem(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    def unknown_key_token(self, subject: str, agent: bool = False) -> str:
        """Signed by a key the provider never published."""
        return self.sign(self.claims(subject, agent=agent), SigningKey.generate("RSA"))

    def refused_tokens(self, subject: str, agent: bool = False) -> dict[str, str]:
        """Every kind of token the gateway must refuse with 401, by name."""
        return {"expired": self.expired_token(subject, agent), "not_yet_valid": self.not_yet_valid_token(subject, agent),
                "wrong_issuer": self.wrong_issuer_token(subject, agent),
                "wrong_audience": self.wrong_audience_token(subject, agent),
                "alg_none": self.alg_none_token(subject, agent),
                "hs256_with_public_key": self.public_key_hs256_token(subject, agent),
                "unknown_key": self.unknown_key_token(subject, agent)}

    def link_customer(self, engine: Engine, subject: str, customer_id: int) -> None:
        """Let this provider's subject stand for the bank customer."""
        with session_scope(engine) as session:
            link_customer(session, self.issuer, subject, customer_id, operator_actor())

    def link_agent(self, engine: Engine, subject: str, agent_id: int) -> None:
        """Let this provider's subject stand for the support agent."""
        with session_scope(engine) as session:
            link_agent(session, self.issuer, subject, agent_id, operator_actor())


JWKS_PATH = "/realms/lumen/protocol/openid-connect/certs"


def identity_provider_app(provider: IdentityProvider) -> web.Application:
    """The provider's web app (its JWKS endpoint), to serve on any loop; set provider.url to where it listens."""
    app = web.Application()
    app.router.add_get(JWKS_PATH, provider.jwks)
    return app


@pytest.fixture
async def identity_provider(aiohttp_server: Any) -> AsyncIterator[IdentityProvider]:
    """A running loopback identity provider with an RSA and an EC signing key."""
    provider = IdentityProvider()
    server = await aiohttp_server(identity_provider_app(provider))
    provider.url = str(server.make_url("")).rstrip("/")
    yield provider
