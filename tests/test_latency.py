"""Latency figures: every round is called once, in order, and the percentiles come from those calls."""

from __future__ import annotations

import time

from assistant.latency import summarise, time_calls


def test_each_round_is_called_once_with_its_index() -> None:
    seen: list[int] = []
    figures = time_calls(seen.append, 7)
    assert (seen, figures["runs"]) == (list(range(7)), 7)


def test_the_median_reflects_how_long_the_calls_took() -> None:
    figures = time_calls(lambda _: time.sleep(0.005), 4)
    assert 5 <= figures["p50_ms"] <= figures["p95_ms"]


def test_a_single_sample_is_both_percentiles() -> None:
    assert summarise([12.5]) == {"p50_ms": 12.5, "p95_ms": 12.5, "runs": 1}
