"""The dialogue report passes good `rasa test` results and fails weak or failing ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.dialogue_report import main, read_scores

PASSED = "# None of the test stories failed - all good!"
ONE_FAILED = 'version: "3.1"\nstories:\n- story: freeze declined (failed)\n  steps:\n  - intent: deny\n'


def _results(tmp_path: Path, weighted_f1: float, failed: str, correct: int = 3, total: int = 3) -> Path:
    """Writes the three files `rasa test --out` leaves that the report reads, in the shape Rasa 3.6 writes."""
    report = {
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 10},
        "deny": {"precision": 0.7, "recall": 0.7, "f1-score": 0.7, "support": 10},
        "cancel": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 10},
        "accuracy": 0.9,
        "weighted avg": {"precision": 0.9, "recall": 0.9, "f1-score": weighted_f1, "support": 30},
        "macro avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.85, "support": 30},
    }
    stories = {
        "utter_greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 2},
        "accuracy": 0.97,
        "conversation_accuracy": {"accuracy": correct / total, "correct": correct, "with_warnings": 0, "total": total},
    }
    (tmp_path / "intent_report.json").write_text(json.dumps(report))
    (tmp_path / "failed_test_stories.yml").write_text(failed)
    (tmp_path / "story_report.json").write_text(json.dumps(stories))
    return tmp_path


def test_per_intent_scores_are_listed_lowest_first(tmp_path: Path) -> None:
    scores = read_scores(_results(tmp_path, 0.9, PASSED))
    assert list(scores.per_intent_f1) == ["deny", "cancel", "greet"]


def test_story_counts_come_from_the_conversation_accuracy(tmp_path: Path) -> None:
    scores = read_scores(_results(tmp_path, 0.9, PASSED, correct=21, total=22))
    assert (scores.stories_correct, scores.stories_total) == (21, 22)


def test_good_results_pass_and_print_the_weighted_f1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(_results(tmp_path, 0.912, PASSED))])
    assert (code, "intent F1 (weighted, NLU test set): 0.912" in capsys.readouterr().out) == (0, True)


def test_every_intent_is_printed_lowest_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(_results(tmp_path, 0.9, PASSED))])
    out = capsys.readouterr().out
    assert out.index("deny") < out.index("cancel") < out.index("greet")


def test_weighted_f1_below_the_minimum_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(_results(tmp_path, 0.8, PASSED))])
    assert (code, "below 0.85" in capsys.readouterr().err) == (1, True)


def test_the_minimum_can_be_raised(tmp_path: Path) -> None:
    assert main([str(_results(tmp_path, 0.9, PASSED)), "--min-f1", "0.95"]) == 1


def test_a_failed_story_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(_results(tmp_path, 0.95, ONE_FAILED, correct=2, total=3))])
    assert (code, "1 test stories failed" in capsys.readouterr().err) == (1, True)


def test_missing_results_fail_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (main([str(tmp_path)]), "cannot read" in capsys.readouterr().err) == (1, True)


def test_a_results_folder_without_story_results_fails_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (_results(tmp_path, 0.9, PASSED) / "failed_test_stories.yml").unlink()
    assert (main([str(tmp_path)]), "were the test stories run" in capsys.readouterr().err) == (1, True)


def test_a_malformed_report_fails_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (_results(tmp_path, 0.9, PASSED) / "intent_report.json").write_text("{not json")
    assert (main([str(tmp_path)]), "cannot read" in capsys.readouterr().err) == (1, True)
