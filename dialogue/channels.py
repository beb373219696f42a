"""The one way a customer's message reaches Rasa: the gateway's signed input channel (credentials.yml).

It replaces Rasa's open REST webhook. `POST /webhooks/lumen/webhook` takes `{"sender": ..., "message": ...}` as
the REST channel did, but only when the body is signed with RASA_CHANNEL_SECRET (assistant/signing.py: HMAC-SHA256
over the timestamp and body, fresh, never replayed); anything else is 401 and Rasa never sees it. Runs inside the
Rasa process (Rasa's virtualenv), so it imports only Rasa, Sanic and the assistant's standard-library modules.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.settings import get_settings
from assistant.signing import (SIGNATURE_HEADER, TIMESTAMP_HEADER, SeenSignatures, SharedSeenSignatures,
                               SignatureRejected, verify)

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": {"code": code, "message": message}}, status=status)


class GatewayInput(InputChannel):
    """Messages from the gateway only: each request signed with the channel secret, each signature used once."""

    @classmethod
    def name(cls) -> str:
        return "lumen"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls((credentials or {}).get("secret") or get_settings().rasa_channel_secret)

    def __init__(self, secret: str) -> None:
        self.secret = secret
        # Shared by Rasa's workers through a file when the launcher names one (RASA_SEEN_SIGNATURES_DB): a request
        # replayed to another worker is still a replay. The gateway retries only requests that never arrived
        # (assistant/gateway/rasa_client.py).
        shared = os.environ.get("RASA_SEEN_SIGNATURES_DB")
        self.seen = SharedSeenSignatures(shared) if shared else SeenSignatures()

    def _message(self, request: Request) -> tuple[str, str, dict[str, Any] | None, str | None] | HTTPResponse:
        """The sender, text, metadata and message id of a verified request, or the refusal to answer with."""
        try:
            verify(request.body, request.headers.get(TIMESTAMP_HEADER), request.headers.get(SIGNATURE_HEADER),
                   self.secret, seen=self.seen)
        except SignatureRejected as refused:
            log.warning("refused an input channel request: %s", refused.code)
            return _error(401, refused.code, refused.message)
        try:
            body = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if (not isinstance(body, dict) or not isinstance(body.get("sender"), str)
                or not isinstance(body.get("message"), str)):
            return _error(400, "invalid_body", 'The body must be {"sender": "...", "message": "..."}.')
        metadata, message_id = body.get("metadata"), body.get("message_id")
        return (body["sender"], body["message"], metadata if isinstance(metadata, dict) else None,
                message_id if isinstance(message_id, str) and message_id else None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"lumen_webhook_{type(self).__name__}", inspect.getmodule(self).__name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            verified = self._message(request)
            if isinstance(verified, HTTPResponse):
                return verified
            sender, text, metadata, message_id = verified
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata,
                                             message_id=message_id))
            return response.json(collector.messages)

        return webhook
