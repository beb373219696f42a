"""Reads `rasa test` results and fails the build when intent F1 or the test stories fall short.

Usage: python -m assistant.dialogue_report results/dialogue [--min-f1 0.85] [--model models/assistant.tar.gz]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

INTENT_REPORT = "intent_report.json"
STORY_REPORT = "story_report.json"
FAILED_STORIES = "failed_test_stories.yml"
_SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
# What Rasa writes into failed_test_stories.yml when every test story passed.
_NO_FAILURES = "None of the test stories failed"


class ResultsUnreadable(Exception):
    """The results folder lacks a report or holds one that is not what `rasa test` writes."""


@dataclass(frozen=True)
class DialogueScores:
    """Intent F1 on the NLU test set and the test stories' outcome."""

    weighted_f1: float
    per_intent_f1: dict[str, float]
    stories_total: int | None
    stories_failed: int

    @property
    def story_accuracy(self) -> float | None:
        """Share of test stories in which every action and intent was predicted right."""
        if not self.stories_total:
            return None
        return (self.stories_total - self.stories_failed) / self.stories_total


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as missing:
        raise ResultsUnreadable(f"{path} is missing") from missing
    except json.JSONDecodeError as broken:
        raise ResultsUnreadable(f"{path} is not valid JSON ({broken})") from broken
    if not isinstance(data, dict):
        raise ResultsUnreadable(f"{path} does not hold a report object")
    return data


def _intent_scores(results: Path) -> tuple[float, dict[str, float]]:
    report = _read_json(results / INTENT_REPORT)
    try:
        weighted = float(report["weighted avg"]["f1-score"])
        per_intent = {name: float(row["f1-score"]) for name, row in report.items() if name not in _SUMMARY_KEYS}
    except (KeyError, TypeError, ValueError) as odd:
        raise ResultsUnreadable(f"{results / INTENT_REPORT} has no F1 scores where expected ({odd!r})") from odd
    # Lowest first, ties by name, so the weakest intents lead the list.
    return weighted, dict(sorted(per_intent.items(), key=lambda item: (item[1], item[0])))


def _failed_stories_in(text: str) -> int:
    if _NO_FAILURES in text:
        return 0
    return sum(1 for line in text.splitlines() if line.lstrip().startswith("- story:"))


def _story_outcome(results: Path) -> tuple[int | None, int]:
    """(stories tested, stories failed) from the story report and the failed-stories file, whichever exist."""
    report_path, failed_path = results / STORY_REPORT, results / FAILED_STORIES
    if not report_path.exists() and not failed_path.exists():
        raise ResultsUnreadable(f"neither {report_path} nor {failed_path} exists: were the test stories run?")
    total, failed = None, 0
    if report_path.exists():
        conversations = _read_json(report_path).get("conversation_accuracy")
        if isinstance(conversations, dict) and "total" in conversations:
            total = int(conversations["total"])
            failed = total - int(conversations.get("correct", 0))
    if failed_path.exists():
        failed = max(failed, _failed_stories_in(failed_path.read_text(encoding="utf-8")))
    return total, failed


def read_scores(results: Path) -> DialogueScores:
    """Scores from a `rasa test --out results` folder; ResultsUnreadable says what is missing or wrong."""
    weighted, per_intent = _intent_scores(results)
    total, failed = _story_outcome(results)
    return DialogueScores(weighted_f1=weighted, per_intent_f1=per_intent, stories_total=total,
                          stories_failed=failed)


def _stale_against(results: Path, model: Path) -> bool:
    """True when the reports predate the model: `rasa test` stops without writing them when a story fails."""
    reports = [results / name for name in (INTENT_REPORT, STORY_REPORT, FAILED_STORIES) if (results / name).exists()]
    return model.exists() and any(report.stat().st_mtime < model.stat().st_mtime for report in reports)


def render(scores: DialogueScores) -> str:
    """The scores as the lines the command prints."""
    lines = [f"intent F1 (weighted, NLU test set): {scores.weighted_f1:.3f}", "intent F1, lowest first:"]
    width = max((len(name) for name in scores.per_intent_f1), default=0)
    lines += [f"  {name:<{width}}  {f1:.3f}" for name, f1 in scores.per_intent_f1.items()]
    if scores.story_accuracy is None:
        lines.append(f"test stories: {scores.stories_failed} failed (story report has no story count)")
    else:
        passed = scores.stories_total - scores.stories_failed
        lines.append(f"test stories: {passed}/{scores.stories_total} passed "
                     f"(story accuracy {scores.story_accuracy:.3f}), {scores.stories_failed} failed")
    return "\n".join(lines)


def problems_with(scores: DialogueScores, min_f1: float, results: Path) -> list[str]:
    """Why the results fall short; empty when they are good enough."""
    problems = []
    if scores.weighted_f1 < min_f1:
        problems.append(f"weighted intent F1 {scores.weighted_f1:.3f} is below {min_f1}")
    if scores.stories_failed:
        problems.append(f"{scores.stories_failed} test stories failed (see {results / FAILED_STORIES})")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Print the scores; exit 1 when weighted intent F1 is below the minimum or any story failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the folder given to `rasa test --out`")
    parser.add_argument("--min-f1", type=float, default=0.85, help="lowest acceptable weighted intent F1")
    parser.add_argument("--model", type=Path, help="the tested model; results older than it are refused as stale")
    args = parser.parse_args(argv)
    try:
        scores = read_scores(args.results)
    except ResultsUnreadable as problem:
        print(f"dialogue report: cannot read results in {args.results}: {problem}", file=sys.stderr)
        return 1
    if args.model is not None and _stale_against(args.results, args.model):
        print(f"dialogue report: results in {args.results} are older than {args.model}; "
              "`rasa test` did not finish (with --fail-on-prediction-errors a wrong prediction stops it)",
              file=sys.stderr)
        return 1
    print(render(scores))
    problems = problems_with(scores, args.min_f1, args.results)
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
