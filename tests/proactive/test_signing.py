"""Request signing: what the outbox sends verifies; any change to body, time or secret does not."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from assistant.proactive.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureRejected, sign, verify

SECRET = "signing-test-secret"
BODY = b'{"customer_id": 1}'
NOW = 1_800_000_000


def test_the_signature_is_hmac_sha256_of_the_timestamp_a_dot_and_the_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET, NOW) == {TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: f"sha256={expected}"}


def test_a_signed_request_verifies_and_yields_its_timestamp() -> None:
    headers = sign(BODY, SECRET, NOW)
    assert verify(BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET, now=NOW + 10) == NOW


@pytest.mark.parametrize(("body", "timestamp", "secret", "code"), [
    (BODY + b" ", str(NOW), SECRET, "bad_signature"),
    (BODY, str(NOW + 1), SECRET, "bad_signature"),
    (BODY, str(NOW), "another-secret", "bad_signature"),
    (BODY, "yesterday", SECRET, "invalid_timestamp"),
    (BODY, "", SECRET, "missing_signature"),
])
def test_a_changed_body_time_or_secret_is_rejected(body: bytes, timestamp: str, secret: str, code: str) -> None:
    signature = sign(BODY, SECRET, NOW)[SIGNATURE_HEADER]
    with pytest.raises(SignatureRejected) as rejected:
        verify(body, timestamp, signature, secret, now=NOW)
    assert rejected.value.code == code


def test_the_window_is_five_minutes_back_and_one_minute_ahead() -> None:
    headers = sign(BODY, SECRET, NOW)
    args = (BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET)
    assert verify(*args, now=NOW + 300) == verify(*args, now=NOW - 60) == NOW
    with pytest.raises(SignatureRejected, match="older"):
        verify(*args, now=NOW + 301)
    with pytest.raises(SignatureRejected, match="future"):
        verify(*args, now=NOW - 61)
