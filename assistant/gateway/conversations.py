"""A customer's conversation as the gateway names it to Rasa (the signed sender id) and as records refer to it."""

from __future__ import annotations

from aiohttp import web

from assistant.gateway.keys import SETTINGS
from assistant.identity import conversation_id_for, conversation_reference


def sender_of(app: web.Application, customer_id: int) -> str:
    """The Rasa sender id of the customer's conversation; only ever sent to Rasa, never stored or returned."""
    return conversation_id_for(customer_id, app[SETTINGS].conversation_secret)


def reference_of(app: web.Application, sender: str) -> str:
    """The internal reference that tickets and other records keep for the conversation."""
    return conversation_reference(sender, app[SETTINGS].conversation_secret)
