"""BANKING77 customer questions as a question bank: a fixed, seeded held-out part for measurement only."""

from __future__ import annotations

import csv
import os
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import ROOT, get_settings

# The part of BANKING77 the index learns phrasings from; the held-out part is never committed or indexed.
QUESTION_BANK = ROOT / "knowledge" / "question-bank.csv"
HELD_OUT_SHARE = 0.2
SPLIT_SEED = 77


@dataclass(frozen=True)
class Question:
    """A customer's question and its BANKING77 topic."""

    text: str
    category: str


def banking77_train_csv() -> Path:
    """The shared BANKING77 training file (BANKING77_DIR, by default ../shared/data/banking77 beside the repo)."""
    folder = Path(os.environ.get("BANKING77_DIR") or ROOT.parent / "shared" / "data" / "banking77")
    return folder / "train.csv"


def read_questions(path: Path) -> list[Question]:
    """Rows of a `text,category` CSV file (ValueError, naming the file, when it lacks either column)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in ("text", "category") if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: needs the columns text,category (missing {', '.join(missing)})")
        return [Question((row["text"] or "").strip(), (row["category"] or "").strip()) for row in reader]


def split(questions: list[Question], share: float = HELD_OUT_SHARE,
          seed: int = SPLIT_SEED) -> tuple[list[Question], list[Question]]:
    """(bank, held_out): the same share of every topic held out, the same rows for the same seed."""
    by_topic: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_topic[question.category].append(question)
    rng = random.Random(seed)
    bank, held_out = [], []
    for topic in sorted(by_topic):
        rows = sorted(by_topic[topic], key=lambda q: q.text)
        rng.shuffle(rows)
        cut = round(len(rows) * share)
        held_out += rows[:cut]
        bank += rows[cut:]
    return bank, held_out


def write_questions(path: Path, questions: list[Question]) -> Path:
    """Write a `text,category` CSV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows((q.text, q.category) for q in questions)
    return path


def held_out_csv() -> Path:
    """Where the held-out questions are written (under BUILD_DIR)."""
    return get_settings().build_dir / "knowledge" / "heldout.csv"
