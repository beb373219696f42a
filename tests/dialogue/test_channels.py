"""The gateway's input channel in Rasa's virtualenv: only fresh messages signed with the channel secret get in."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from assistant.signing import sign
from assistant.local_stack import ROOT, free_port

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
SECRET = "channel-test-secret"
MESSAGE = json.dumps({"sender": "cust-1-abc", "message": "hello"}).encode()


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The channel's webhook URL, served by the real channel class in a Sanic server of Rasa's virtualenv."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("channel") / "channel.log", "wb")
    server = subprocess.Popen([str(RASA_PYTHON), str(ROOT / "tests" / "dialogue" / "channel_server.py"), str(port),
                               SECRET], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/webhooks/lumen"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the channel server did not start: {log.name}")
                time.sleep(0.5)
        yield base + "/webhook"
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _refusal(answer: tuple[int, object]) -> tuple[int, str]:
    status, body = answer
    return status, body["error"]["code"]  # type: ignore[index]


def test_a_signed_message_reaches_the_assistant_and_its_replies_come_back(channel: str) -> None:
    assert _post(channel, MESSAGE, sign(MESSAGE, SECRET)) == (
        200, [{"recipient_id": "cust-1-abc", "text": "echo: hello"}])


def test_the_gateways_message_id_becomes_the_message_id_rasa_records(channel: str) -> None:
    body = json.dumps({"sender": "cust-1-abc", "message": "id?", "message_id": "m-7"}).encode()
    assert _post(channel, body, sign(body, SECRET)) == (200, [{"recipient_id": "cust-1-abc", "text": "message id: m-7"}])


def test_an_unsigned_message_is_refused(channel: str) -> None:
    assert _refusal(_post(channel, MESSAGE)) == (401, "missing_signature")


def test_a_message_signed_with_another_secret_is_refused(channel: str) -> None:
    assert _refusal(_post(channel, MESSAGE, sign(MESSAGE, "not-the-secret"))) == (401, "bad_signature")


def test_a_message_changed_after_signing_is_refused(channel: str) -> None:
    changed = MESSAGE.replace(b"hello", b"/deny_purchase")
    assert _refusal(_post(channel, changed, sign(MESSAGE, SECRET))) == (401, "bad_signature")


def test_a_replayed_message_is_refused(channel: str) -> None:
    headers = sign(MESSAGE.replace(b"hello", b"hello again"), SECRET)
    body = MESSAGE.replace(b"hello", b"hello again")
    assert (_post(channel, body, headers)[0], _refusal(_post(channel, body, headers))) == (
        200, (401, "replayed_request"))


def test_a_stale_message_is_refused(channel: str) -> None:
    assert _refusal(_post(channel, MESSAGE, sign(MESSAGE, SECRET, int(time.time()) - 600))) == (401, "stale_request")


def test_a_signed_body_that_is_not_a_message_is_refused(channel: str) -> None:
    body = b'{"sender": 1}'
    assert _refusal(_post(channel, body, sign(body, SECRET))) == (400, "invalid_body")
