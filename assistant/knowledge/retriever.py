"""Answering a question from the knowledge base: the best articles with scores, or an honest "not sure"."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.knowledge.embedder import embed
from assistant.knowledge.index import KnowledgeIndex, vector_search

# Used only by an index built before calibration existed; a built index carries its own calibrated threshold.
DEFAULT_THRESHOLD = 0.55
# Passages looked at per query: enough that the three best articles are found even when one topic's many
# phrasings fill the nearest places.
CANDIDATES = 160
# An article's neighbour score is the sum of its similarities among the NEIGHBOURS nearest passages over
# NEIGHBOURS: a topic many passages agree on beats one lucky passage. It is blended half and half with the
# topic classifier's probability (both chosen on the calibration share of the question bank).
NEIGHBOURS = 5
CLASSIFIER_WEIGHT = 0.5


@dataclass(frozen=True)
class ArticleHit:
    """An article that matches a question, its best score and the passage that matched."""

    article_id: str
    title: str
    score: float
    answer: str
    matched: str


@dataclass(frozen=True)
class Answer:
    """What the knowledge base says: the top articles, and whether the best one is confident enough to quote."""

    hits: list[ArticleHit]
    confident: bool

    @property
    def best(self) -> ArticleHit | None:
        """The best-scoring article, if any matched at all."""
        return self.hits[0] if self.hits else None


def threshold_of(index: KnowledgeIndex) -> float:
    """The score above which the index's best article is quoted (calibrated when the index was built)."""
    return float(index.manifest.get("threshold", DEFAULT_THRESHOLD))


def _neighbour_scores(neighbours: list[tuple[float, dict]], without_calibration: bool,
                      ) -> tuple[dict[str, float], dict[str, str]]:
    """Each article's neighbour score, and its best-matching passage among the candidates."""
    votes: dict[str, float] = {}
    matched: dict[str, str] = {}
    counted = 0
    for score, entry in neighbours:
        if without_calibration and entry.get("calibration"):
            continue
        article_id = entry["article_id"]
        matched.setdefault(article_id, entry["text"])
        if counted < NEIGHBOURS:
            votes[article_id] = votes.get(article_id, 0.0) + score / NEIGHBOURS
            counted += 1
    return votes, matched


def rank_articles(index: KnowledgeIndex, vectors: np.ndarray, k: int,
                  without_calibration: bool = False) -> list[list[ArticleHit]]:
    """The top-k articles for each query vector, best first, with their blended scores."""
    classifier = index.classifier
    probabilities = classifier.probabilities(vectors) if classifier else None
    ranked_lists = []
    for row, neighbours in enumerate(vector_search(index, vectors, CANDIDATES)):
        votes, matched = _neighbour_scores(neighbours, without_calibration)
        if probabilities is None:
            scores = votes
        else:
            scores = {article_id: CLASSIFIER_WEIGHT * float(p) + (1 - CLASSIFIER_WEIGHT) * votes.get(article_id, 0.0)
                      for article_id, p in zip(classifier.article_ids, probabilities[row])}
        ranked = sorted((item for item in scores.items() if item[0] in index.articles),
                        key=lambda item: item[1], reverse=True)[:k]
        ranked_lists.append([
            ArticleHit(article_id, index.articles[article_id].title, round(score, 4),
                       index.articles[article_id].answer, matched.get(article_id, ""))
            for article_id, score in ranked])
    return ranked_lists


def search(index: KnowledgeIndex, question: str, k: int = 3, threshold: float | None = None,
           model_path: str | None = None) -> Answer:
    """The top-k articles for a question and whether the first is confident enough to quote."""
    query = embed([question], model_path or index.manifest.get("model_path"))
    hits = rank_articles(index, query, k)[0]
    limit = threshold_of(index) if threshold is None else threshold
    return Answer(hits, confident=bool(hits) and hits[0].score >= limit)
