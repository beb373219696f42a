"""Handing a chat to a person: the ticket carries the reason and summary, the customer is told, the bot pauses."""

from __future__ import annotations

from rasa_sdk import Tracker
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.handoff import ActionDefaultFallback, ActionHandoff, previous_turn_failed
from actions.knowledge import ActionAnswerQuestion
from assistant.handoff.models import HandoffTicket, TicketStatus
from assistant.identity import conversation_id_for, conversation_reference
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords


def _conversation(customer_id: int, turns: list[tuple[str, str]], extra: list[dict] | None = None) -> Tracker:
    """A tracker whose user events are (text, intent) turns, the last one being the latest message."""
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}} for text, intent in turns]
    if extra:
        events[-1:-1] = extra
    text, intent = turns[-1]
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return Tracker(conversation_id_for(customer_id), {}, latest, events, False, None, {}, "action_listen")


def _tickets(engine: Engine) -> list[HandoffTicket]:
    with Session(engine) as db:
        return list(db.exec(select(HandoffTicket)).all())


async def test_asking_for_a_person_opens_a_queued_ticket_and_pauses_the_conversation(
    records: CustomerRecords, action_db: Engine
) -> None:
    tracker = _conversation(records.customer.id, [("hi", "greet"), ("can I talk to a person", "request_human")])
    messages, events = await run_action(ActionHandoff(), tracker)
    [ticket] = _tickets(action_db)
    assert ((ticket.reason, ticket.status, ticket.customer_id, ticket.conversation_ref),
            [e["event"] for e in events], messages[0]["custom"]["type"]) == (
        ("request_human", TicketStatus.queued, records.customer.id, conversation_reference(tracker.sender_id)),
        ["pause"], "handoff")


async def test_the_ticket_does_not_store_the_sender_id(records: CustomerRecords, action_db: Engine) -> None:
    tracker = _conversation(records.customer.id, [("can I talk to a person", "request_human")])
    await run_action(ActionHandoff(), tracker)
    assert tracker.sender_id not in _tickets(action_db)[0].model_dump_json()


async def test_the_ticket_summary_quotes_the_customers_recent_messages(records: CustomerRecords,
                                                                       action_db: Engine) -> None:
    tracker = _conversation(records.customer.id, [("I was charged twice for rent", "nlu_fallback"),
                                                  ("I want to complain", "complaint")])
    await run_action(ActionHandoff(), tracker)
    assert _tickets(action_db)[0].summary == (
        "Customer's last messages: “I was charged twice for rent” | “I want to complain”")


async def test_reporting_fraud_is_handed_off_as_fraud_or_dispute(records: CustomerRecords, action_db: Engine) -> None:
    await run_action(ActionHandoff(), _conversation(records.customer.id, [("I've been scammed", "report_fraud")]))
    assert _tickets(action_db)[0].reason == "fraud_or_dispute"


async def test_a_plain_no_to_was_this_you_is_handed_off_as_fraud_or_dispute(records: CustomerRecords,
                                                                           action_db: Engine) -> None:
    tracker = _conversation(records.customer.id, [("no", "deny")])
    tracker.events.append({"event": "action", "name": "action_purchase_denied"})
    await run_action(ActionHandoff(), tracker)
    assert _tickets(action_db)[0].reason == "fraud_or_dispute"


async def test_none_of_these_after_suggestions_is_handed_off_as_the_bot_failing(records: CustomerRecords,
                                                                                 action_db: Engine) -> None:
    await run_action(ActionHandoff(), _conversation(records.customer.id, [("/none_of_these", "none_of_these")]))
    assert _tickets(action_db)[0].reason == "bot_failed"


async def test_asking_again_while_waiting_keeps_one_ticket_and_says_so(records: CustomerRecords,
                                                                        action_db: Engine) -> None:
    tracker = _conversation(records.customer.id, [("agent", "request_human")])
    await run_action(ActionHandoff(), tracker)
    messages, _ = await run_action(ActionHandoff(), tracker)
    assert (len(_tickets(action_db)), messages[0]["text"].startswith("You're already in the queue")) == (1, True)


async def test_an_unsigned_conversation_opens_no_ticket(records: CustomerRecords, action_db: Engine) -> None:
    messages, events = await run_action(ActionHandoff(), make_tracker(None, sender_id="cust-1-forged",
                                                                      intent="request_human"))
    assert (_tickets(action_db), events, "sign in again" in messages[0]["text"]) == ([], [], True)


async def test_a_first_fallback_asks_to_rephrase_and_forgets_the_message(records: CustomerRecords,
                                                                         action_db: Engine) -> None:
    tracker = _conversation(records.customer.id, [("hello", "greet"), ("blorp zzk", "nlu_fallback")])
    messages, events = await run_action(ActionDefaultFallback(), tracker)
    assert (messages[0]["response"], [e["event"] for e in events], _tickets(action_db)) == (
        "utter_default", ["rewind"], [])


async def test_a_second_fallback_in_a_row_hands_the_chat_to_a_person(records: CustomerRecords,
                                                                     action_db: Engine) -> None:
    tracker = _conversation(records.customer.id, [("blorp", "greet"), ("zzk qq", "greet")],
                            extra=[{"event": "action", "name": "action_default_fallback"}, {"event": "rewind"}])
    _, events = await run_action(ActionDefaultFallback(), tracker)
    assert ([e["event"] for e in events], _tickets(action_db)[0].reason) == (["pause"], "bot_failed")


def test_the_previous_turn_failed_when_nlu_fell_back_on_it() -> None:
    events = [{"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
              {"event": "action", "name": "action_answer_question"},
              {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    assert previous_turn_failed(events) is True


def test_the_previous_turn_did_not_fail_when_it_was_understood() -> None:
    events = [{"event": "user", "parse_data": {"intent": {"name": "check_balance"}}},
              {"event": "action", "name": "action_show_balance"},
              {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    assert previous_turn_failed(events) is False


async def test_a_second_nlu_fallback_in_a_row_is_passed_to_the_handoff(records: CustomerRecords) -> None:
    tracker = _conversation(records.customer.id, [("blorp", "nlu_fallback"), ("zzk qq", "nlu_fallback")])
    _, events = await run_action(ActionAnswerQuestion(), tracker)
    assert events[0] == {"event": "followup", "timestamp": None, "name": "action_handoff"}
