"""The session growth benchmark's checkpoints: when it chats on, times a turn or starts a new session, and its figures."""

from __future__ import annotations

import argparse
import os

import pytest

from assistant.load.session_growth import (
    Checkpoint,
    Step,
    TimedTurn,
    _checkpoints,
    checkpoint_figures,
    cpu_seconds_of,
    group_processes,
    next_step,
    growth_percent,
    session_events,
)


def test_a_session_short_of_the_checkpoint_grows() -> None:
    assert next_step(events=99, checkpoint=Checkpoint(100), session_floor=6) is Step.GROW


def test_a_session_at_the_checkpoint_is_timed() -> None:
    assert next_step(events=100, checkpoint=Checkpoint(100), session_floor=6) is Step.TIME


def test_a_session_half_as_long_again_as_the_checkpoint_is_still_timed() -> None:
    assert next_step(events=150, checkpoint=Checkpoint(100), session_floor=6) is Step.TIME


def test_a_session_grown_past_the_checkpoint_starts_again() -> None:
    assert next_step(events=151, checkpoint=Checkpoint(100), session_floor=6) is Step.NEW_SESSION


def test_a_short_checkpoint_times_turns_up_to_ten_events_past_it() -> None:
    assert [next_step(n, Checkpoint(10), session_floor=6) for n in (20, 21)] == [Step.TIME, Step.NEW_SESSION]


def test_a_session_that_starts_past_the_checkpoint_is_timed_where_it_is() -> None:
    assert next_step(events=40, checkpoint=Checkpoint(10), session_floor=25) is Step.TIME


def test_the_session_counts_the_events_from_the_latest_session_start_on() -> None:
    events = [{"event": "action"}, {"event": "session_started"}, {"event": "user"},
              {"event": "action"}, {"event": "session_started"}, {"event": "action"}, {"event": "user"}]
    assert session_events(events) == 3


def test_a_conversation_without_a_session_start_counts_every_event() -> None:
    assert session_events([{"event": "action"}, {"event": "user"}]) == 2


def test_a_checkpoint_reports_the_event_counts_its_turns_were_timed_at() -> None:
    turns = [TimedTurn(104, 30.0), TimedTurn(100, 20.0), TimedTurn(109, 40.0)]
    figures = checkpoint_figures(Checkpoint(100, turns=3), turns)
    assert (figures["events"], figures["events_seen"], figures["p50_ms"], figures["runs"]) == (100, [100, 109], 30.0, 3)


def test_the_growth_is_the_last_checkpoints_p50_against_the_first() -> None:
    assert growth_percent([{"p50_ms": 40.0}, {"p50_ms": 45.0}, {"p50_ms": 52.0}]) == 30.0


def test_checkpoints_are_taken_in_ascending_order() -> None:
    assert _checkpoints("300,10,100") == [10, 100, 300]


def test_a_checkpoint_of_no_events_is_refused() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="at least one event"):
        _checkpoints("0,10")


def test_a_checkpoint_reports_rasas_mean_cpu_a_turn() -> None:
    turns = [TimedTurn(100, 30.0, 20.0), TimedTurn(101, 20.0, 10.0), TimedTurn(102, 40.0, 0.0)]
    assert checkpoint_figures(Checkpoint(100, turns=3), turns)["rasa_cpu_ms_per_turn"] == 10.0


def test_a_checkpoint_without_rasas_cpu_for_every_turn_leaves_it_out() -> None:
    turns = [TimedTurn(100, 30.0, 20.0), TimedTurn(101, 20.0)]
    assert "rasa_cpu_ms_per_turn" not in checkpoint_figures(Checkpoint(100, turns=2), turns)


def test_the_growth_of_a_figure_not_measured_is_none() -> None:
    assert growth_percent([{"p50_ms": 40.0}, {"p50_ms": 52.0}], "rasa_cpu_ms_per_turn") is None


def test_the_processes_of_a_group_include_its_members() -> None:
    assert os.getpid() in {process.pid for process in group_processes(os.getpgid(os.getpid()))}


def test_the_cpu_of_processes_counts_up_as_they_work() -> None:
    me = group_processes(os.getpgid(os.getpid()))
    before = cpu_seconds_of(me)
    sum(i * i for i in range(3_000_000))
    assert cpu_seconds_of(me) > before
