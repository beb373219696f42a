"""One warm-up turn through the freshly loaded model, so the first customer does not pay for TensorFlow's first run.

Measured on the demo model: the first turn after start took 0.71 s, the next ones 0.10 s (graph tracing in the
NLU and dialogue policies on first use). The warm-up parses a greeting and predicts the next action in a conversation
of its own through Rasa's HTTP API; nothing is said to anyone and no action runs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request

log = logging.getLogger(__name__)

WARM_UP_CONVERSATION = "warm-up"
WARM_UP_TEXT = "hello"


def _call(base_url: str, token: str, method: str, path: str, body: object | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base_url}{path}?token={token}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def warm_up(base_url: str, token: str, give_up_after: float = 1800.0) -> bool:
    """Wait for the model to load, then run one parse and one prediction; True when both answered 200."""
    deadline = time.monotonic() + give_up_after
    while time.monotonic() < deadline:
        try:
            _call(base_url, token, "GET", "/status")
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    else:
        return False
    started = time.perf_counter()
    try:
        conversation = f"/conversations/{WARM_UP_CONVERSATION}"
        _call(base_url, token, "POST", f"{conversation}/messages", {"text": WARM_UP_TEXT, "sender": "user"})
        _call(base_url, token, "POST", f"{conversation}/predict", {})
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        log.warning("Rasa warm-up turn failed (the first customer turn will be slower): %s", exc)
        return False
    log.info("Rasa warm-up turn took %.2f s", time.perf_counter() - started)
    return True


def warm_up_in_background(base_url: str, token: str) -> threading.Thread:
    """Start the warm-up beside the server (it runs once the model has loaded)."""
    thread = threading.Thread(target=warm_up, args=(base_url, token), name="rasa-warm-up", daemon=True)
    thread.start()
    return thread
