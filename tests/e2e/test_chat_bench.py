"""The chat round-trip benchmark times every kind of message through the running assistant, and only real replies."""

from __future__ import annotations

import json

import pytest

from assistant.chat_bench import ROUND_TRIP_MESSAGES, NoReply, main, measure_round_trips
from assistant.local_stack import Stack

pytestmark = pytest.mark.e2e

# Demo customers no other end-to-end test chats as, so their conversations start clean.
BENCHED = 150
BUSY_WITH_A_PERSON = 151


def test_every_kind_of_message_is_timed_the_given_number_of_times(stack: Stack) -> None:
    figures = measure_round_trips(stack.chat_as(BENCHED), rounds=2)
    assert {name: f["runs"] for name, f in figures.items()} == {name: 2 for name in ROUND_TRIP_MESSAGES}


def test_a_chat_with_a_person_stops_the_benchmark_rather_than_timing_messages_no_bot_answers(stack: Stack) -> None:
    client = stack.chat_as(BUSY_WITH_A_PERSON)
    client.say("can I talk to a person")
    with pytest.raises(NoReply):
        measure_round_trips(client, rounds=1)


def test_the_command_writes_its_figures_as_json(stack: Stack, tmp_path, monkeypatch) -> None:
    out = tmp_path / "chat.json"
    monkeypatch.setenv("CHAT_TOKEN", stack.chat_as(BENCHED).token)
    main(["--gateway", stack.gateway_url, "--customer", str(BENCHED), "--rounds", "1", "--out", str(out)])
    assert set(json.loads(out.read_text())["round_trips"]) == set(ROUND_TRIP_MESSAGES)


def test_the_command_says_to_start_the_assistant_when_nothing_listens(capsys) -> None:
    code = main(["--gateway", "http://127.0.0.1:9", "--rounds", "1"])
    assert (code, "make run" in capsys.readouterr().err) == (1, True)
