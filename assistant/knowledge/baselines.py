"""The plain baselines the knowledge base must beat, measured on the same questions as `eval`.

Both use the bundled all-MiniLM-L6-v2 as it ships (no tuning) and the committed question bank as training data:
a nearest-neighbour lookup (the topic of the most similar bank question) and a logistic regression on the same
vectors. They score BANKING77 topics directly, so they need no articles; `eval` scores the articles, which map
one to one onto the topics, so the accuracies compare.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from assistant.knowledge.embedder import base_model_path, embed
from assistant.knowledge.question_bank import Question

# The best of C = 1, 10 and 100 on the held-out questions themselves: the baseline gets its best showing.
BASELINE_C = 10.0


@dataclass(frozen=True)
class BaselineScores:
    """Top-1 accuracy of the untuned model's two simplest classifiers."""

    questions: int
    trained_on: int
    nearest_neighbour_top1: float
    logistic_regression_top1: float

    def as_dict(self) -> dict:
        """Plain JSON-ready values."""
        return asdict(self)


def _accuracy(predicted: np.ndarray, expected: np.ndarray) -> float:
    return round(float((predicted == expected).mean()), 4) if len(expected) else 0.0


def score_baselines(bank: list[Question], questions: list[Question], model_path: str | None = None,
                    progress: bool = False) -> BaselineScores:
    """Score both baselines on `questions`, trained on `bank` (by default with the untuned base model)."""
    from sklearn.linear_model import LogisticRegression

    model = model_path or str(base_model_path())
    train_vectors = embed([q.text for q in bank], model, progress=progress)
    test_vectors = embed([q.text for q in questions], model, progress=progress)
    train_topics = np.array([q.category for q in bank])
    expected = np.array([q.category for q in questions])
    nearest = train_topics[(test_vectors @ train_vectors.T).argmax(axis=1)]
    classifier = LogisticRegression(C=BASELINE_C, max_iter=5000).fit(train_vectors, train_topics)
    return BaselineScores(questions=len(questions), trained_on=len(bank),
                          nearest_neighbour_top1=_accuracy(nearest, expected),
                          logistic_regression_top1=_accuracy(classifier.predict(test_vectors), expected))
