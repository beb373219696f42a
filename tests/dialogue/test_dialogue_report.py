"""The dialogue report passes good `rasa test` results and fails weak, failing, missing or stale ones."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.dialogue_report import main, read_scores

# Exactly what Rasa 3.6 writes to failed_test_stories.yml when every story passed, and when one failed.
PASSED = "# None of the test stories failed - all good!"
ONE_FAILED = """version: "3.1"
stories:
- story: freeze declined (./tests/dialogue/stories/test_cards.yml)
  steps:
  - intent: freeze_card
  - action: action_prepare_card_action
  - intent: deny
  - action: action_execute_card_action  # predicted: action_execute_card_action
"""


def _write_results(folder: Path, weighted_f1: float, correct: int = 3, total: int = 3,
                   failed_text: str = PASSED) -> Path:
    """The three files `rasa test --out` leaves that the report reads, in the shape Rasa 3.6 writes them."""
    intents = {
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 10, "confused_with": {}},
        "deny": {"precision": 1.0, "recall": 0.7, "f1-score": 0.8235294117647058, "support": 10,
                 "confused_with": {"affirm": 3}},
        "cancel": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 10, "confused_with": {"deny": 1}},
        "accuracy": 0.8666666666666667,
        "macro avg": {"precision": 0.93, "recall": 0.87, "f1-score": 0.9078, "support": 30},
        "weighted avg": {"precision": 0.93, "recall": 0.87, "f1-score": weighted_f1, "support": 30},
    }
    stories = {
        "action_listen": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 6},
        "utter_greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 2},
        "accuracy": 1.0,
        "macro avg": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 8},
        "weighted avg": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 8},
        "conversation_accuracy": {"accuracy": correct / total, "correct": correct, "with_warnings": 0,
                                  "total": total},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "intent_report.json").write_text(json.dumps(intents, indent=2))
    (folder / "story_report.json").write_text(json.dumps(stories, indent=2))
    (folder / "failed_test_stories.yml").write_text(failed_text)
    return folder


def test_per_intent_f1_is_ordered_lowest_first(tmp_path: Path) -> None:
    scores = read_scores(_write_results(tmp_path, 0.9))
    assert list(scores.per_intent_f1) == ["deny", "cancel", "greet"]


def test_story_accuracy_is_stories_passed_over_stories_tested(tmp_path: Path) -> None:
    scores = read_scores(_write_results(tmp_path, 0.9, correct=21, total=24, failed_text=ONE_FAILED))
    assert (scores.stories_failed, scores.stories_total, scores.story_accuracy) == (3, 24, 0.875)


def test_good_results_exit_0_and_print_the_weighted_f1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(_write_results(tmp_path, 0.912))])
    assert (code, "intent F1 (weighted, NLU test set): 0.912" in capsys.readouterr().out) == (0, True)


def test_every_intent_is_printed_lowest_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(_write_results(tmp_path, 0.9))])
    out = capsys.readouterr().out
    assert out.index("deny") < out.index("cancel") < out.index("greet")


def test_the_story_count_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(_write_results(tmp_path, 0.9, correct=22, total=22))])
    assert "test stories: 22/22 passed (story accuracy 1.000), 0 failed" in capsys.readouterr().out


def test_weighted_f1_below_the_minimum_exits_1_saying_why(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(_write_results(tmp_path, 0.84))])
    assert (code, "weighted intent F1 0.840 is below 0.85" in capsys.readouterr().err) == (1, True)


def test_weighted_f1_exactly_at_the_minimum_passes(tmp_path: Path) -> None:
    assert main([str(_write_results(tmp_path, 0.85))]) == 0


def test_the_minimum_can_be_raised(tmp_path: Path) -> None:
    assert main([str(_write_results(tmp_path, 0.9)), "--min-f1", "0.95"]) == 1


def test_a_failed_story_exits_1_saying_how_many(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(_write_results(tmp_path, 0.95, correct=2, total=3, failed_text=ONE_FAILED))])
    assert (code, "1 test stories failed" in capsys.readouterr().err) == (1, True)


def test_a_failed_story_counts_even_without_a_story_report(tmp_path: Path) -> None:
    folder = _write_results(tmp_path, 0.95, failed_text=ONE_FAILED)
    (folder / "story_report.json").unlink()
    assert (read_scores(folder).stories_failed, main([str(folder)])) == (1, 1)


def test_an_empty_folder_exits_1_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(tmp_path)])
    assert (code, "cannot read results" in capsys.readouterr().err) == (1, True)


def test_results_without_story_results_exit_1_asking_whether_stories_ran(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _write_results(tmp_path, 0.9)
    (folder / "story_report.json").unlink()
    (folder / "failed_test_stories.yml").unlink()
    assert (main([str(folder)]), "were the test stories run" in capsys.readouterr().err) == (1, True)


def test_a_malformed_intent_report_exits_1_with_a_message(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (_write_results(tmp_path, 0.9) / "intent_report.json").write_text("{not json")
    assert (main([str(tmp_path)]), "not valid JSON" in capsys.readouterr().err) == (1, True)


def test_an_intent_report_without_a_weighted_average_exits_1(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (_write_results(tmp_path, 0.9) / "intent_report.json").write_text(json.dumps({"greet": {"f1-score": 1.0}}))
    assert (main([str(tmp_path)]), "no F1 scores" in capsys.readouterr().err) == (1, True)


def test_results_older_than_the_model_are_refused_as_stale(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = _write_results(tmp_path / "results", 0.95)
    model = tmp_path / "assistant.tar.gz"
    model.write_bytes(b"model")
    for report in folder.iterdir():
        os.utime(report, (model.stat().st_mtime - 60, model.stat().st_mtime - 60))
    code = main([str(folder), "--model", str(model)])
    assert (code, "older than" in capsys.readouterr().err) == (1, True)


def test_results_newer_than_the_model_are_accepted(tmp_path: Path) -> None:
    model = tmp_path / "assistant.tar.gz"
    model.write_bytes(b"model")
    os.utime(model, (model.stat().st_mtime - 60, model.stat().st_mtime - 60))
    folder = _write_results(tmp_path / "results", 0.95)
    assert main([str(folder), "--model", str(model)]) == 0
