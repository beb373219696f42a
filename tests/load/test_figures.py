"""Latency figures of a load step."""

from __future__ import annotations

from assistant.load.figures import Recorder, latency_figures


def test_percentiles_are_nearest_rank_over_the_samples() -> None:
    figures = latency_figures([float(ms) for ms in range(1, 101)])
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"], figures["turns"]) == (50.0, 95.0, 99.0, 100)


def test_a_kind_with_no_samples_reports_none_rather_than_zero_latency() -> None:
    assert latency_figures([]) == {"turns": 0}


def test_turns_outside_the_measured_window_are_not_timed_but_failures_always_count() -> None:
    recorder = Recorder()  # window not open yet
    recorder.record("balance", 120.0)
    recorder.record("balance", 120.0, exception=RuntimeError("the gateway answered 503"))
    assert (dict(recorder.turns), dict(recorder.failures)) == ({}, {"balance": 1})


def test_sign_in_requests_are_never_timed_as_turns() -> None:
    recorder = Recorder(window_start=0.0)
    recorder.record("session_start", 40.0)
    recorder.record("balance", 90.0)
    assert dict(recorder.turns) == {"balance": [90.0]}
