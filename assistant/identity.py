"""Conversation ids that carry the authenticated customer, signed so nobody can forge one.

The sender id is what the gateway presents to Rasa for a customer; it is never stored outside Rasa's tracker
store. Records that point at a conversation (tickets, transfer idempotency keys, audit entries) keep its
`conversation_reference` instead: a keyed hash that names the conversation but cannot be turned back into it.
"""

from __future__ import annotations

import hashlib
import hmac

from assistant.settings import get_settings

_PREFIX = "cust"
_REFERENCE_PREFIX = "conv"


class UnverifiedConversation(Exception):
    """The conversation id was not issued by the gateway for an authenticated customer."""


def _signature(customer_id: int, secret: str) -> str:
    return hmac.new(secret.encode(), f"{_PREFIX}:{customer_id}".encode(), hashlib.sha256).hexdigest()[:24]


def conversation_id_for(customer_id: int, secret: str | None = None) -> str:
    """The Rasa sender id for a customer the gateway has authenticated."""
    secret = secret or get_settings().conversation_secret
    return f"{_PREFIX}-{customer_id}-{_signature(customer_id, secret)}"


def customer_id_from(conversation_id: str, secret: str | None = None) -> int:
    """The customer behind a conversation id, or UnverifiedConversation if it was not signed by us."""
    secret = secret or get_settings().conversation_secret
    try:
        prefix, raw_id, signature = conversation_id.split("-")
        customer_id = int(raw_id)
    except (ValueError, AttributeError) as exc:
        raise UnverifiedConversation("conversation id is not a customer conversation") from exc
    if prefix != _PREFIX or not hmac.compare_digest(signature, _signature(customer_id, secret)):
        raise UnverifiedConversation("conversation id signature does not match")
    return customer_id


def conversation_reference(conversation_id: str, secret: str | None = None) -> str:
    """The internal reference stored for a conversation: stable, unique to it, and not its sender id."""
    secret = secret or get_settings().conversation_secret
    digest = hmac.new(secret.encode(), f"reference:{conversation_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{_REFERENCE_PREFIX}-{digest}"
