"""Finding in the conversation record the message an attempt put there before it died holding the key."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from assistant.proactive.earlier_attempts import already_triggered
from assistant.proactive.requests import ProactiveRequest

SINCE = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
FRAUD_CHECK = ProactiveRequest(customer_id=1, event="unusual_purchase", idempotency_key="alert-1",
                               data={"transaction_id": "t-1-0", "alert_id": 11, "reason": "much larger than usual"})


def external(name: str = "EXTERNAL_unusual_purchase", seconds_after: float = 1.0, **entities: Any) -> dict[str, Any]:
    """A user event as Rasa records a triggered intent."""
    entities = entities or {"transaction_id": "t-1-0", "alert_reason": "much larger than usual"}
    return {"event": "user", "text": f"EXTERNAL: {name}", "timestamp": SINCE.timestamp() + seconds_after,
            "parse_data": {"intent": {"name": name},
                           "entities": [{"entity": key, "value": value} for key, value in entities.items()]}}


def test_the_same_intent_with_the_same_entities_since_the_key_was_first_used_is_found() -> None:
    assert already_triggered([{"event": "bot", "text": "Hi"}, external()], FRAUD_CHECK, SINCE) is True


def test_one_triggered_before_the_key_was_first_used_is_not_this_attempts() -> None:
    assert already_triggered([external(seconds_after=-1)], FRAUD_CHECK, SINCE) is False


def test_one_about_another_transaction_is_not_this_message() -> None:
    other = external(transaction_id="t-1-1", alert_reason="much larger than usual")
    assert already_triggered([other], FRAUD_CHECK, SINCE) is False


def test_another_event_is_not_this_message() -> None:
    assert already_triggered([external("EXTERNAL_upcoming_bill")], FRAUD_CHECK, SINCE) is False
