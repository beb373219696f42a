"""Posting to the feed as a core-banking source does: a batch of records, signed with the source's secret."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from assistant.feed.sources import SOURCE_HEADER
from assistant.signing import sign


def signed_headers(body: bytes, source: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers that authenticate this body as sent by this source (now, unless a timestamp is given)."""
    return {"Content-Type": "application/json", SOURCE_HEADER: source, **sign(body, secret, timestamp)}


def post_transactions(feed_url: str, records: list[dict[str, Any]], source: str, secret: str,
                      timeout: float = 30.0) -> tuple[int, dict[str, Any]]:
    """POST the records to the feed at feed_url, signed; the status and the JSON answer."""
    body = json.dumps({"transactions": records}).encode()
    request = urllib.request.Request(feed_url.rstrip("/") + "/api/v1/transactions", data=body, method="POST",
                                     headers=signed_headers(body, source, secret))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())
