"""Knowledge articles to suggest to an agent for the customer's last message, from the retrieval layer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the index pulls in FAISS and the embedding model: load them only when first asked
    from assistant.knowledge.index import KnowledgeIndex

MAX_SUGGESTIONS = 3


class KnowledgeUnavailable(Exception):
    """The knowledge index has not been built."""


class ArticleSuggester:
    """Loads the knowledge index once per application, on first use, and searches it off the event loop."""

    def __init__(self, index_folder: Path) -> None:
        self.index_folder = index_folder
        self._index: KnowledgeIndex | None = None
        self._loading = asyncio.Lock()

    async def _loaded(self) -> KnowledgeIndex:
        async with self._loading:
            if self._index is None:
                from assistant.knowledge.index import load_index

                try:
                    self._index = await asyncio.to_thread(load_index, self.index_folder)
                except FileNotFoundError as exc:
                    raise KnowledgeUnavailable(str(exc)) from exc
            return self._index

    async def suggest(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[dict[str, Any]]:
        """The closest approved articles to a customer's message, best first, with their answers to quote."""
        from assistant.knowledge.retriever import search

        index = await self._loaded()
        answer = await asyncio.to_thread(search, index, text, limit)
        return [{"id": hit.article_id, "title": hit.title, "score": round(hit.score, 3), "answer": hit.answer}
                for hit in answer.hits]
