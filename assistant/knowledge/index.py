"""The FAISS index over article passages, with a manifest that says what it was built from."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np
from langchain_core.documents import Document

from assistant.knowledge.articles import ARTICLES_DIR, Article, load_articles, passages
from assistant.knowledge.embedder import base_model_path, embed
from assistant.knowledge.question_bank import QUESTION_BANK, read_questions
from assistant.settings import get_settings

INDEX_FILE = "passages.faiss"
MANIFEST_FILE = "manifest.json"


def index_dir() -> Path:
    """Where the built index lives (under BUILD_DIR, which git ignores)."""
    return get_settings().build_dir / "knowledge" / "index"


@dataclass
class KnowledgeIndex:
    """A loaded index: FAISS vectors, what each vector is, and the articles by id."""

    faiss_index: faiss.Index
    entries: list[dict]
    articles: dict[str, Article]
    manifest: dict


def _fingerprint(articles: list[Article], model_path: Path, bank: Path) -> dict:
    bank_hash = hashlib.sha256(bank.read_bytes()).hexdigest() if bank.exists() else None
    return {"model": str(model_path.name), "articles": {a.id: a.sha256 for a in articles}, "question_bank": bank_hash}


def _bank_documents(articles: list[Article], bank: Path) -> list[Document]:
    """Customers' own phrasings of each topic, indexed as questions of the article that covers the topic."""
    if not bank.exists():
        return []
    article_for = {a.banking77: a.id for a in articles if a.banking77}
    return [Document(page_content=q.text, metadata={"article_id": article_for[q.category], "kind": "bank_question",
                                                     "section": "Answer"})
            for q in read_questions(bank) if q.category in article_for]


def is_current(folder: Path, articles: list[Article], model_path: Path, bank: Path = QUESTION_BANK) -> bool:
    """True when the index in `folder` was built from exactly these articles with this model."""
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.exists() or not (folder / INDEX_FILE).exists():
        return False
    manifest = json.loads(manifest_path.read_text())
    return {k: manifest.get(k) for k in ("model", "articles", "question_bank")} == _fingerprint(articles, model_path, bank)


def build_index(folder: Path | None = None, articles_dir: Path = ARTICLES_DIR, model_path: Path | None = None,
                force: bool = False, progress: bool = True, bank: Path = QUESTION_BANK) -> tuple[Path, bool]:
    """Build the index unless it is current; returns (folder, whether it was rebuilt)."""
    folder = folder or index_dir()
    model_path = model_path or base_model_path()
    articles = load_articles(articles_dir)
    if not force and is_current(folder, articles, model_path, bank):
        return folder, False
    started = time.perf_counter()
    documents = [doc for article in articles for doc in passages(article)] + _bank_documents(articles, bank)
    vectors = embed([doc.page_content for doc in documents], str(model_path), progress=progress)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    folder.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(folder / INDEX_FILE))
    entries = [{"article_id": d.metadata["article_id"], "kind": d.metadata["kind"], "section": d.metadata["section"],
                "text": d.page_content} for d in documents]
    manifest = {
        **_fingerprint(articles, model_path, bank),
        "model_path": str(model_path),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
        "passages": len(entries),
        "entries": entries,
    }
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1))
    return folder, True


def load_index(folder: Path | None = None, articles_dir: Path = ARTICLES_DIR) -> KnowledgeIndex:
    """Read a built index (FileNotFoundError when there is none: run `python -m assistant.knowledge build`)."""
    folder = folder or index_dir()
    if not (folder / INDEX_FILE).exists():
        raise FileNotFoundError(f"no knowledge index in {folder}: run `python -m assistant.knowledge build`")
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    articles = {a.id: a for a in load_articles(articles_dir)}
    return KnowledgeIndex(faiss.read_index(str(folder / INDEX_FILE)), manifest["entries"], articles, manifest)


def vector_search(index: KnowledgeIndex, query: np.ndarray, k: int) -> list[tuple[float, dict]]:
    """The k nearest passages to one query vector, best first, as (cosine score, entry)."""
    scores, positions = index.faiss_index.search(query.reshape(1, -1), min(k, index.faiss_index.ntotal))
    return [(float(s), index.entries[p]) for s, p in zip(scores[0], positions[0]) if p >= 0]
