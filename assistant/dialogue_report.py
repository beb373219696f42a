"""Reads `rasa test` results and fails the build when intent F1 or the test stories fall short.

Usage: python -m assistant.dialogue_report results/dialogue [--min-f1 0.85]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

_SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
_NO_FAILURES = "None of the test stories failed"


@dataclass(frozen=True)
class DialogueScores:
    """Intent F1 on the NLU test set and the test stories' outcome."""

    weighted_f1: float
    per_intent_f1: dict[str, float]
    failed_stories: int
    story_action_accuracy: float | None


def _failed_story_count(text: str) -> int:
    if _NO_FAILURES in text:
        return 0
    return sum(1 for line in text.splitlines() if line.lstrip().startswith("- story:"))


def read_scores(results: Path) -> DialogueScores:
    """Scores from a `rasa test --out results` folder; FileNotFoundError names what is missing."""
    intents = json.loads((results / "intent_report.json").read_text())
    per_intent = {name: float(row["f1-score"]) for name, row in intents.items() if name not in _SUMMARY_KEYS}
    failed_file = results / "failed_test_stories.yml"
    if not failed_file.exists():
        raise FileNotFoundError(f"{failed_file} is missing: were the test stories run?")
    story_report = results / "story_report.json"
    accuracy = None
    if story_report.exists():
        accuracy = json.loads(story_report.read_text()).get("accuracy")
    return DialogueScores(
        weighted_f1=float(intents["weighted avg"]["f1-score"]),
        per_intent_f1=dict(sorted(per_intent.items(), key=lambda item: item[1])),
        failed_stories=_failed_story_count(failed_file.read_text()),
        story_action_accuracy=None if accuracy is None else float(accuracy),
    )


def main(argv: list[str] | None = None) -> int:
    """Print the scores; exit 1 when weighted intent F1 is below the minimum or any story failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the folder given to `rasa test --out`")
    parser.add_argument("--min-f1", type=float, default=0.85, help="lowest acceptable weighted intent F1")
    args = parser.parse_args(argv)
    try:
        scores = read_scores(args.results)
    except (FileNotFoundError, KeyError, json.JSONDecodeError) as problem:
        print(f"dialogue report: cannot read results in {args.results}: {problem}", file=sys.stderr)
        return 1
    print(f"intent F1 (weighted, NLU test set): {scores.weighted_f1:.3f}")
    print("lowest intents: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in list(scores.per_intent_f1.items())[:5]))
    if scores.story_action_accuracy is not None:
        print(f"test stories: action accuracy {scores.story_action_accuracy:.3f}, failed stories {scores.failed_stories}")
    problems = []
    if scores.weighted_f1 < args.min_f1:
        problems.append(f"weighted intent F1 {scores.weighted_f1:.3f} is below {args.min_f1}")
    if scores.failed_stories:
        problems.append(f"{scores.failed_stories} test stories failed (see {args.results / 'failed_test_stories.yml'})")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
