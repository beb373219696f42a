"""The conversation mix: scripts picked by weight, and turns that count as failed when the bot did not answer."""

from __future__ import annotations

import random
from collections import Counter

from assistant.load.mix import SCRIPTS, TURN_KINDS, pick_script


def _turn(kind: str):
    return next(turn for script in SCRIPTS for turn in script.turns if turn.kind == kind)


def test_scripts_are_picked_in_proportion_to_their_weights() -> None:
    rng = random.Random(7)
    picked = Counter(pick_script(rng).name for _ in range(20_000))
    total = sum(s.weight for s in SCRIPTS)
    assert all(abs(picked[s.name] / 20_000 - s.weight / total) < 0.02 for s in SCRIPTS), picked


def test_a_reply_with_no_text_counts_as_no_answer() -> None:
    assert _turn("balance").check([{"recipient_id": "x"}]) == "no reply"


def test_a_transfer_request_answered_without_a_yes_button_fails() -> None:
    replies = [{"text": "Who would you like to pay?", "buttons": [{"title": "Mum", "payload": "/inform"}]}]
    assert _turn("transfer_request").check(replies) == "no confirmation offered"


def test_a_transfer_request_answered_with_a_yes_button_passes() -> None:
    replies = [{"text": "Send £1.00 to Mum?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    assert _turn("transfer_request").check(replies) is None


def test_every_kind_a_customer_asks_for_in_the_issue_is_in_the_mix() -> None:
    assert {"balance", "transaction_search", "spending_summary", "transfer_request", "transfer_confirm",
            "knowledge_answer", "small_talk"} == set(TURN_KINDS)


def test_a_bot_asking_for_the_payee_is_answered_with_the_payees_name_then_confirmed() -> None:
    answer = _turn("transfer_request").answer_to([{"text": "Who would you like to send it to?"}])
    assert (answer.kind, answer.message) == ("transfer_payee", "{payee}")


def test_a_reply_that_asks_nothing_back_needs_no_answer() -> None:
    assert _turn("transfer_request").answer_to([{"text": "Send £1.00 to Mum?"}]) is None
