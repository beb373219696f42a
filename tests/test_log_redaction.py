"""Log redaction: personal data and credentials go, what makes a log useful stays."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from assistant.log_redaction import REDACTED, install_log_redaction, redact


@pytest.fixture
def redacted_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing to a buffer, in a process with the redaction installed (the factory restored after)."""
    factory = logging.getLogRecordFactory()
    install_log_redaction()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield logger, buffer
    logger.removeHandler(handler)
    logging.setLogRecordFactory(factory)


@pytest.mark.parametrize("text, secret", [
    ("transfer from account 40000123 accepted", "40000123"),
    ("payee sort code 20-45-67 saved", "20-45-67"),
    ("card 4111 1111 1111 1111 declined", "4111 1111 1111 1111"),
    ("card 4111111111111111 declined", "4111111111111111"),
    ("iban GB29NWBK60161331926819 on file", "GB29NWBK60161331926819"),
    ("Your balance is £2,400.00", "2,400.00"),
    ("sent £37.45", "37.45"),
    ("sent £37", "£37"),
    ("limit 500 GBP", "500 GBP"),
    ("amount GBP 12.5", "GBP 12.5"),
    ("booked -45.20 at Tesco", "45.20"),
    ("total 1,250 this month", "1,250"),
    (r'{"event": "x", "note": "paid \u00a3 37"}', "37"),
    (r'reply "Send \u00a337.45 to Mum?"', "37.45"),
    ("agent alex@lumen.example signed in", "alex@lumen.example"),
])
def test_numbers_and_amounts_are_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_message_text_in_rasa_structured_logs_is_redacted_keeping_the_event_name() -> None:
    record = json.dumps({"event": "processor.message.parse", "parse_data_text": "pay Alex Morgan back",
                         "parse_data_intent": {"name": "transfer_money", "confidence": 0.98}, "level": "debug"})
    assert json.loads(redact(record)) == {"event": "processor.message.parse", "parse_data_text": REDACTED,
                                          "parse_data_intent": {"name": "transfer_money", "confidence": 0.98},
                                          "level": "debug"}


def test_slot_values_are_redacted_keeping_the_slot_names() -> None:
    record = json.dumps({"event": "processor.slots.log", "slot_values": "\trecipient: Mum\n\tamount: 37"})
    plain = "Current slot values: \n\trecipient: Mum\n\tamount: 37"
    assert (redact(record), redact(plain)) == (
        json.dumps({"event": "processor.slots.log", "slot_values": REDACTED}),
        f"Current slot values: \n\trecipient: {REDACTED}\n\tamount: {REDACTED}")


@pytest.mark.parametrize("text", [
    "Action 'action_greet' ended with events '[BotUttered('Hello Alex Morgan', {\"elements\": null}, {}, 1.0)]'",
    "BotUttered(text: Hello Alex Morgan, data: {}, metadata: {})",
    "UserUttered(text: I am Alex Morgan, intent: greet, use_text_for_featurization: False)",
    "UserUttered(text: hi, intent: transfer, entities: Alex Morgan (Type: recipient, Role: None, Group: None))",
    "SlotSet(key: recipient, value: Alex Morgan)",
    "{'text': 'Hello Alex Morgan', 'buttons': []}",
    "validated {'recipient': 'Alex Morgan'}",
    'customer_name="Alex Morgan" greeted',
])
def test_names_in_events_slots_and_records_are_redacted(text: str) -> None:
    assert "Alex" not in redact(text)


@pytest.mark.parametrize("text, secret", [
    ("POST http://127.0.0.1:5005/webhooks/rest/webhook?token=s3cr3t-rasa-token failed", "s3cr3t-rasa-token"),
    ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
    ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature seen", "eyJzdWIiOiIxIn0"),
])
def test_credentials_are_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


@pytest.mark.parametrize("text", [
    "proactive unusual_purchase sent to customer 42 (live: True)",
    "Rasa answered HTTP 503 to POST /conversations/c1/trigger_intent",
    "outbox: 3 delivered, 0 failed",
    "Predicted next action 'action_transfer' with confidence 0.97.",
    "Rasa 3.6.21 started in 12.5 s",
    "ticket 17 claimed by agent 2",
    "2026-12-02 15:57:52,123 INFO aiohttp.access: 127.0.0.1 \"POST /api/v1/chat HTTP/1.1\" 200 312",
])
def test_event_names_ids_status_codes_and_timings_stay(text: str) -> None:
    assert redact(text) == text


def test_every_record_is_redacted_with_its_arguments_whichever_handler_writes_it(
    redacted_log: tuple[logging.Logger, io.StringIO]
) -> None:
    logger, buffer = redacted_log
    logger.info("transfer of %s to %s from %s", "£37.45", "account 40000123", "Alex Morgan's account")
    assert ("37.45" in buffer.getvalue(), "40000123" in buffer.getvalue()) == (False, False)


def test_a_logged_traceback_is_redacted(redacted_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, buffer = redacted_log
    try:
        raise ValueError("cannot pay £37.45 from 40000123")
    except ValueError:
        logger.exception("transfer failed")
    assert ("Traceback" in buffer.getvalue(), "37.45" in buffer.getvalue(), "40000123" in buffer.getvalue()) == (
        True, False, False)


def test_installing_twice_redacts_once(redacted_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, buffer = redacted_log
    install_log_redaction()
    logger.info("paid %s", "£5")
    assert buffer.getvalue() == f"paid {REDACTED}\n"
