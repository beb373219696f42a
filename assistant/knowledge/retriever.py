"""Answering a question from the knowledge base: the best articles with scores, or an honest "not sure"."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.knowledge.embedder import embed
from assistant.knowledge.index import KnowledgeIndex, vector_search

# Below this cosine score the best article is not trusted to answer on its own (calibrated by the eval).
DEFAULT_THRESHOLD = 0.55


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


def search(index: KnowledgeIndex, question: str, k: int = 3, threshold: float = DEFAULT_THRESHOLD,
           model_path: str | None = None) -> Answer:
    """The top-k articles for a question (best passage score per article) and whether to quote the first."""
    query = embed([question], model_path or index.manifest.get("model_path"))[0]
    best: dict[str, tuple[float, str]] = {}
    for score, entry in vector_search(index, query, k * 8):
        if entry["article_id"] not in best:
            best[entry["article_id"]] = (score, entry["text"])
    ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)[:k]
    hits = [ArticleHit(article_id, index.articles[article_id].title, score, index.articles[article_id].answer, text)
            for article_id, (score, text) in ranked if article_id in index.articles]
    return Answer(hits, confident=bool(hits) and hits[0].score >= threshold)
