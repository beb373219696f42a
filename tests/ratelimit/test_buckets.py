"""The arithmetic of limits: token buckets refill at their rate up to their burst; failures back off, then lock out."""

from __future__ import annotations

import pytest

from assistant.ratelimit.buckets import BackOff, Decision, Rate, refill, take, whole_seconds

RATE = Rate.per_minute(60, burst=5)  # one token a second, five at most
POLICY = BackOff(free_failures=3, base_seconds=1, max_seconds=8, lockout_failures=10, lockout_seconds=900,
                 forget_seconds=600)


def test_a_full_bucket_lets_a_burst_through_and_then_refuses() -> None:
    tokens, decisions = RATE.burst, []
    for _ in range(6):
        tokens, decision = take(tokens, 0.0, RATE)
        decisions.append(decision.allowed)
    assert decisions == [True] * 5 + [False]


def test_a_refused_request_is_told_how_long_until_a_token_refills() -> None:
    assert take(0.25, 0.0, RATE) == (0.25, Decision(False, 0.75))


def test_a_bucket_refills_at_its_rate() -> None:
    assert refill(1.0, 2.5, RATE) == 3.5


def test_a_bucket_never_refills_past_its_burst() -> None:
    assert refill(1.0, 3600.0, RATE) == RATE.burst


def test_a_clock_that_steps_back_refills_nothing() -> None:
    assert refill(1.0, -30.0, RATE) == 1.0


def test_a_rate_of_zero_is_no_limit() -> None:
    assert (Rate.per_minute(0, burst=5).unlimited, RATE.unlimited) == (True, False)


@pytest.mark.parametrize("seconds, header", [(0.0001, 1), (1.0, 1), (1.2, 2), (59.9999, 60), (60.0, 60)])
def test_retry_after_rounds_up_to_whole_seconds_and_is_at_least_one(seconds: float, header: int) -> None:
    assert whole_seconds(seconds) == header


def test_failures_wait_nothing_then_double_up_to_the_cap_then_lock_out() -> None:
    assert [POLICY.wait_after(n) for n in range(1, 11)] == [0, 0, 0, 1, 2, 4, 8, 8, 8, 900]


def test_a_lockout_is_remembered_at_least_as_long_as_it_lasts() -> None:
    assert (POLICY.remember_for(2), POLICY.remember_for(10)) == (600, 900)
