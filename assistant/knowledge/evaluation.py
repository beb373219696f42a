"""Measuring retrieval on labelled questions: top-1, recall@3, MRR, abstention and per-query latency."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass

from assistant.knowledge.index import KnowledgeIndex
from assistant.knowledge.question_bank import Question
from assistant.knowledge.retriever import search


@dataclass(frozen=True)
class RetrievalScores:
    """How well the knowledge base answers a labelled set of questions, and how fast."""

    questions: int
    topics_covered: int
    topics_asked: int
    top1: float
    recall_at_3: float
    mrr: float
    abstention_rate: float
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict:
        """The scores as plain JSON-ready values."""
        return asdict(self)


def evaluate(index: KnowledgeIndex, questions: list[Question]) -> RetrievalScores:
    """Score the index on questions whose BANKING77 topic maps to an article via its `banking77` field.

    A question whose topic has no article counts as a miss: coverage is part of the score.
    """
    article_for = {a.banking77: a.id for a in index.articles.values() if a.banking77}
    top1 = top3 = reciprocal = abstained = 0.0
    latencies = []
    for question in questions:
        started = time.perf_counter()
        answer = search(index, question.text, k=3)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = [hit.article_id for hit in answer.hits]
        expected = article_for.get(question.category)
        abstained += not answer.confident
        if expected in ranked:
            position = ranked.index(expected)
            top1 += position == 0
            top3 += 1
            reciprocal += 1 / (position + 1)
    count = max(len(questions), 1)
    latencies.sort()
    return RetrievalScores(
        questions=len(questions), topics_covered=len({q.category for q in questions} & set(article_for)),
        topics_asked=len({q.category for q in questions}),
        top1=round(top1 / count, 4), recall_at_3=round(top3 / count, 4), mrr=round(reciprocal / count, 4),
        abstention_rate=round(abstained / count, 4),
        p50_ms=round(statistics.median(latencies), 2) if latencies else 0.0,
        p99_ms=round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2) if latencies else 0.0,
    )
