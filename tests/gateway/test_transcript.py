"""Transcripts from tracker events: customer, bot, agent and proactive messages in order, hidden triggers, paging."""

from __future__ import annotations

from assistant.gateway.transcript import page, transcript

EVENTS = [
    {"event": "action", "name": "action_session_start", "timestamp": 1763640000.0},
    {"event": "user", "text": "EXTERNAL: EXTERNAL_unusual_purchase", "timestamp": 1763640001.0},
    {"event": "bot", "text": "Was this you? £250.00 at Currys", "timestamp": 1763640002.0,
     "data": {"buttons": [{"title": "No, it wasn't me", "payload": "/deny_purchase"}]}, "metadata": {}},
    {"event": "user", "text": "/deny_purchase", "timestamp": 1763640010.0},
    {"event": "bot", "text": "I've frozen your card.", "timestamp": 1763640011.0, "data": {}, "metadata": {}},
    {"event": "slot", "name": "x", "value": 1, "timestamp": 1763640011.5},
    {"event": "bot", "text": "Hello, I'm Sam.", "timestamp": 1763640020.0,
     "metadata": {"agent_id": 7, "agent_name": "Sam"}},
    {"event": "user", "text": "thanks", "timestamp": 1763640030.0},
    {"event": "bot", "text": None, "timestamp": 1763640031.0,
     "data": {"custom": {"type": "transactions", "items": []}}, "metadata": {}},
    {"event": "user", "text": "EXTERNAL: EXTERNAL_handback", "timestamp": 1763640040.0},
    {"event": "bot", "text": "You're back with the assistant.", "timestamp": 1763640041.0, "metadata": {}},
]


def test_transcript_keeps_messages_in_order_and_drops_the_external_trigger() -> None:
    assert [(entry["id"], entry["from"]) for entry in transcript(EVENTS)] == [
        (2, "bot"), (3, "customer"), (4, "bot"), (6, "agent"), (7, "customer"), (8, "bot"), (10, "bot")]


def test_bot_messages_caused_by_an_external_trigger_are_marked_proactive() -> None:
    entries = {entry["id"]: entry for entry in transcript(EVENTS)}
    assert (entries[2].get("proactive"), entries[4].get("proactive")) == (True, None)


def test_bot_messages_after_the_handback_trigger_are_not_proactive() -> None:
    assert transcript(EVENTS)[-1]["text"] == "You're back with the assistant."
    assert "proactive" not in transcript(EVENTS)[-1]


def test_a_button_press_is_shown_as_the_title_the_customer_clicked() -> None:
    assert transcript(EVENTS)[1]["text"] == "No, it wasn't me"


def test_agent_messages_carry_the_agents_id_and_name() -> None:
    agent = transcript(EVENTS)[3]
    assert (agent["agent_id"], agent["agent_name"], agent["text"]) == ("7", "Sam", "Hello, I'm Sam.")


def test_entries_keep_buttons_custom_payloads_and_utc_times() -> None:
    entries = transcript(EVENTS)
    assert entries[0]["buttons"] == [{"title": "No, it wasn't me", "payload": "/deny_purchase"}]
    assert entries[5]["custom"] == {"type": "transactions", "items": []}
    assert entries[0]["at"] == "2025-11-20T12:00:02.000+00:00"


def test_a_page_is_the_latest_entries_before_the_cursor_with_the_next_cursor() -> None:
    first = page(transcript(EVENTS), limit=2).as_json()
    second = page(transcript(EVENTS), limit=10, before=first["next_before"]).as_json()
    assert [e["id"] for e in first["messages"]] == [8, 10]
    assert (first["has_more"], first["next_before"]) == (True, 8)
    assert ([e["id"] for e in second["messages"]], second["has_more"], second["next_before"]) == (
        [2, 3, 4, 6, 7], False, None)
