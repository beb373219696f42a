"""The answer threshold is the lowest score at which quoted answers are precise and unrelated questions abstain."""

from __future__ import annotations

from assistant.knowledge.calibration import choose_threshold, read_unrelated


def test_the_lowest_threshold_meeting_both_targets_is_chosen() -> None:
    in_domain = [(0.9, True)] * 97 + [(0.6, False)] * 3 + [(0.5, False)] * 10
    chosen = choose_threshold(in_domain, unrelated=[0.4] * 20)
    assert chosen.threshold == 0.51


def test_unrelated_questions_push_the_threshold_above_their_scores() -> None:
    chosen = choose_threshold([(0.9, True)] * 50, unrelated=[0.7] * 10 + [0.2] * 10)
    assert chosen.threshold == 0.71


def test_the_shipped_unrelated_questions_are_read_without_comments() -> None:
    questions = read_unrelated()
    assert len(questions) >= 50 and not any(q.startswith("#") for q in questions)
