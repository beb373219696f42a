"""The dialogue report passes good `rasa test` results and fails weak or failing ones."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.dialogue_report import main, read_scores


def _results(tmp_path: Path, weighted_f1: float, failed: str) -> Path:
    report = {
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 10},
        "deny": {"precision": 0.7, "recall": 0.7, "f1-score": 0.7, "support": 10},
        "accuracy": 0.9,
        "weighted avg": {"precision": 0.9, "recall": 0.9, "f1-score": weighted_f1, "support": 20},
        "macro avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.85, "support": 20},
    }
    (tmp_path / "intent_report.json").write_text(json.dumps(report))
    (tmp_path / "failed_test_stories.yml").write_text(failed)
    (tmp_path / "story_report.json").write_text(json.dumps({"accuracy": 0.97}))
    return tmp_path


PASSED = "# None of the test stories failed - all good!"
ONE_FAILED = 'version: "3.1"\nstories:\n- story: freeze declined (failed)\n  steps:\n  - intent: deny\n'


def test_per_intent_scores_are_listed_lowest_first(tmp_path: Path) -> None:
    scores = read_scores(_results(tmp_path, 0.9, PASSED))
    assert list(scores.per_intent_f1) == ["deny", "greet"]


def test_good_results_pass(tmp_path: Path) -> None:
    assert main([str(_results(tmp_path, 0.9, PASSED))]) == 0


def test_weighted_f1_below_the_minimum_fails(tmp_path: Path) -> None:
    assert main([str(_results(tmp_path, 0.8, PASSED))]) == 1


def test_a_failed_story_fails(tmp_path: Path) -> None:
    assert main([str(_results(tmp_path, 0.95, ONE_FAILED))]) == 1


def test_missing_results_fail_with_a_message(tmp_path: Path, capsys) -> None:
    assert (main([str(tmp_path)]), "cannot read" in capsys.readouterr().err) == (1, True)
