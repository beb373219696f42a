"""Request signing: what a sender signs verifies; any change to body, time or secret, or a replay, does not."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import time

import pytest

from assistant.signing import (
    MAX_AGE_SECONDS, MAX_FUTURE_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, SeenSignatures, SharedSeenSignatures,
    SignatureRejected, sign,
    verify,
)

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


def test_a_signature_seen_before_is_refused_as_a_replay() -> None:
    seen = SeenSignatures()
    headers = sign(BODY, SECRET, NOW)
    args = (BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET)
    assert verify(*args, now=NOW, seen=seen) == NOW
    with pytest.raises(SignatureRejected) as rejected:
        verify(*args, now=NOW + 1, seen=seen)
    assert rejected.value.code == "replayed_request"


def test_the_same_body_signed_afresh_is_not_a_replay() -> None:
    seen = SeenSignatures()
    first, second = sign(BODY, SECRET, NOW), sign(BODY, SECRET, NOW + 1)
    verify(BODY, first[TIMESTAMP_HEADER], first[SIGNATURE_HEADER], SECRET, now=NOW + 1, seen=seen)
    assert verify(BODY, second[TIMESTAMP_HEADER], second[SIGNATURE_HEADER], SECRET, now=NOW + 1, seen=seen) == NOW + 1


def test_a_badly_signed_request_is_not_remembered() -> None:
    seen = SeenSignatures()
    headers = sign(BODY, SECRET, NOW)
    with pytest.raises(SignatureRejected):
        verify(BODY + b"!", headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET, now=NOW, seen=seen)
    assert verify(BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET, now=NOW, seen=seen) == NOW


def test_a_forgotten_signature_may_come_again() -> None:
    seen = SeenSignatures()
    headers = sign(BODY, SECRET, NOW)
    args = (BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET)
    verify(*args, now=NOW, seen=seen)
    seen.forget(headers[SIGNATURE_HEADER])
    assert verify(*args, now=NOW, seen=seen) == NOW


def test_signatures_past_the_window_are_dropped_from_memory() -> None:
    seen = SeenSignatures()
    seen.remember("sha256=old", NOW)
    seen.remember("sha256=new", NOW + MAX_AGE_SECONDS + MAX_FUTURE_SECONDS + 1,
                  now=NOW + MAX_AGE_SECONDS + MAX_FUTURE_SECONDS + 1)
    seen.remember("sha256=old", NOW, now=NOW + MAX_AGE_SECONDS + MAX_FUTURE_SECONDS + 1)


def test_a_non_ascii_signature_is_a_bad_signature_not_a_crash() -> None:
    with pytest.raises(SignatureRejected) as rejected:
        verify(BODY, str(NOW), "sha256=é", SECRET, now=NOW)
    assert rejected.value.code == "bad_signature"


# Another process opens the same file and tries the signature this one accepted.
OTHER_PROCESS = """
import sys, time
from assistant.signing import SharedSeenSignatures, SignatureRejected
try:
    SharedSeenSignatures(sys.argv[1]).remember("sha256=abc", int(time.time()))
    print("accepted")
except SignatureRejected as refused:
    print(refused.code)
"""


def test_a_signature_one_process_accepted_is_a_replay_for_another_process_sharing_the_file(tmp_path) -> None:
    path = str(tmp_path / "seen.db")
    SharedSeenSignatures(path).remember("sha256=abc", int(time.time()))
    other = subprocess.run([sys.executable, "-c", OTHER_PROCESS, path], capture_output=True, text=True, timeout=60)
    assert other.stdout.strip() == "replayed_request", other.stderr


def test_a_forgotten_shared_signature_may_be_used_again(tmp_path) -> None:
    seen = SharedSeenSignatures(str(tmp_path / "seen.db"))
    now = int(time.time())
    seen.remember("sha256=abc", now)
    seen.forget("sha256=abc")
    seen.remember("sha256=abc", now)  # no SignatureRejected
    with pytest.raises(SignatureRejected):
        seen.remember("sha256=abc", now)
