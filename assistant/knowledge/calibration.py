"""Choosing the score above which the best article is quoted, from questions the model was never trained on.

In-domain: the question bank's calibration share (kept out of tuning, searched as if absent from the index).
Out-of-domain: `knowledge/unrelated-questions.txt`, things customers say that no article answers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.knowledge.articles import Article
from assistant.knowledge.embedder import embed
from assistant.knowledge.index import KnowledgeIndex
from assistant.knowledge.question_bank import read_questions
from assistant.knowledge.retriever import rank_articles
from assistant.knowledge.tuning import tuning_split
from assistant.settings import ROOT

UNRELATED_QUESTIONS = ROOT / "knowledge" / "unrelated-questions.txt"
# A quoted answer must be the right article this often, and no more than this share of unrelated
# questions may get one: a wrong approved answer is worse than three titles to choose from.
TARGET_PRECISION = 0.97
MAX_UNRELATED_ANSWERED = 0.05
CANDIDATE_THRESHOLDS = np.round(np.arange(0.30, 0.96, 0.01), 2)


@dataclass(frozen=True)
class Calibration:
    """The chosen threshold and what it does on the calibration questions."""

    threshold: float
    in_domain_questions: int
    unrelated_questions: int
    precision: float
    answered_share: float
    unrelated_answered_share: float

    def as_dict(self) -> dict:
        """Plain JSON-ready values."""
        return asdict(self)


def read_unrelated(path: Path = UNRELATED_QUESTIONS) -> list[str]:
    """One question a line; blank lines and # comments ignored."""
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def choose_threshold(in_domain: list[tuple[float, bool]], unrelated: list[float]) -> Calibration:
    """The lowest threshold meeting both targets (the most precise one when none does).

    `in_domain` holds (best score, whether the best article was right) per question; `unrelated` best scores.
    """
    scores = np.array([s for s, _ in in_domain]) if in_domain else np.zeros(0)
    right = np.array([r for _, r in in_domain], dtype=bool) if in_domain else np.zeros(0, dtype=bool)
    others = np.array(unrelated) if unrelated else np.zeros(0)
    best: tuple[tuple, Calibration] | None = None
    for threshold in CANDIDATE_THRESHOLDS:
        answered = scores >= threshold
        precision = float(right[answered].mean()) if answered.any() else 1.0
        unrelated_share = float((others >= threshold).mean()) if len(others) else 0.0
        result = Calibration(float(threshold), len(scores), len(others), round(precision, 4),
                             round(float(answered.mean()) if len(scores) else 0.0, 4), round(unrelated_share, 4))
        if precision >= TARGET_PRECISION and unrelated_share <= MAX_UNRELATED_ANSWERED:
            return result
        rank = (min(precision / TARGET_PRECISION, 1.0) + min((1 - unrelated_share) / (1 - MAX_UNRELATED_ANSWERED), 1.0),
                result.answered_share)
        if best is None or rank > best[0]:
            best = (rank, result)
    assert best is not None
    return best[1]


def calibrate(index: KnowledgeIndex, articles: list[Article], bank: Path, progress: bool = False) -> Calibration:
    """Measure the built index on the calibration questions and choose its threshold."""
    article_for = {a.banking77: a.id for a in articles if a.banking77}
    held = [q for q in tuning_split(read_questions(bank))[1] if q.category in article_for] if bank.exists() else []
    model = index.manifest.get("model_path")
    in_domain = []
    if held:
        vectors = embed([q.text for q in held], model, progress=progress)
        for question, hits in zip(held, rank_articles(index, vectors, 1, without_calibration=True)):
            if hits:
                in_domain.append((hits[0].score, hits[0].article_id == article_for[question.category]))
    unrelated_texts = read_unrelated()
    unrelated = []
    if unrelated_texts:
        vectors = embed(unrelated_texts, model)
        unrelated = [hits[0].score for hits in rank_articles(index, vectors, 1) if hits]
    return choose_threshold(in_domain, unrelated)
