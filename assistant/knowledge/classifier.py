"""A linear topic classifier over the index's own vectors, scoring every article for a question at once.

Nearest neighbours alone trust single passages; a logistic regression over all of an article's phrasings
weighs them together. The retriever blends both (see retriever.rank_articles).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLASSIFIER_FILE = "classifier.npz"
# Inverse regularisation strength, chosen on the calibration share (never on the held-out questions).
REGULARISATION_C = 10.0


@dataclass(frozen=True)
class TopicClassifier:
    """Weights of a multinomial logistic regression: one row per article."""

    article_ids: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Each row: the probability of each article (columns in article_ids order)."""
        logits = vectors @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


def train_classifier(vectors: np.ndarray, article_ids: list[str]) -> TopicClassifier:
    """Fit the classifier on passage vectors labelled with their article."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION_C, max_iter=2000).fit(vectors, article_ids)
    return TopicClassifier(tuple(str(c) for c in model.classes_), model.coef_.astype("float32"),
                           model.intercept_.astype("float32"))


def save_classifier(classifier: TopicClassifier, folder: Path) -> None:
    """Write the weights beside the FAISS index."""
    np.savez(folder / CLASSIFIER_FILE, article_ids=np.array(classifier.article_ids), weights=classifier.weights,
             bias=classifier.bias)


def load_classifier(folder: Path) -> TopicClassifier | None:
    """The saved classifier, or None for an index built without one."""
    path = folder / CLASSIFIER_FILE
    if not path.exists():
        return None
    with np.load(path) as data:
        return TopicClassifier(tuple(str(a) for a in data["article_ids"]), data["weights"], data["bias"])
