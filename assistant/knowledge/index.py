"""The FAISS index over article passages, with a manifest that says what it was built from."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import faiss
import numpy as np
from langchain_core.documents import Document

from assistant.knowledge.articles import ARTICLES_DIR, Article, load_articles, passages
from assistant.knowledge.classifier import TopicClassifier, load_classifier, save_classifier, train_classifier
from assistant.knowledge.embedder import base_model_path, embed
from assistant.knowledge.question_bank import QUESTION_BANK, read_questions
from assistant.knowledge.tuning import MANIFEST_FILE as TUNING_MANIFEST
from assistant.knowledge.tuning import tuned_model_dir, tuning_split
from assistant.settings import get_settings

INDEX_FILE = "passages.faiss"
# Bumped when what is built changes (a new file beside the index, a new way of scoring), so old builds are redone.
INDEX_VERSION = 2
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
    classifier: TopicClassifier | None = None


def model_id(model_path: Path) -> str:
    """A name for the model that changes whenever a tuned model is retrained."""
    tuning = model_path / TUNING_MANIFEST
    if tuning.exists():
        return f"{model_path.name}@{hashlib.sha256(tuning.read_bytes()).hexdigest()[:16]}"
    return model_path.name


def _fingerprint(articles: list[Article], model_path: Path, bank: Path) -> dict:
    bank_hash = hashlib.sha256(bank.read_bytes()).hexdigest() if bank.exists() else None
    from assistant.knowledge.calibration import UNRELATED_QUESTIONS

    unrelated = UNRELATED_QUESTIONS.read_bytes() if UNRELATED_QUESTIONS.exists() else b""
    return {"version": INDEX_VERSION, "model": model_id(model_path), "articles": {a.id: a.sha256 for a in articles}, "question_bank": bank_hash,
            "unrelated_questions": hashlib.sha256(unrelated).hexdigest()}


def _bank_documents(articles: list[Article], bank: Path) -> list[Document]:
    """Customers' own phrasings of each topic, indexed as questions of the article that covers the topic.

    The calibration share is indexed too but marked, so calibration can search as if it were absent.
    """
    if not bank.exists():
        return []
    article_for = {a.banking77: a.id for a in articles if a.banking77}
    _training, calibration = tuning_split(read_questions(bank))
    held = {(q.text, q.category) for q in calibration}
    return [Document(page_content=q.text, metadata={"article_id": article_for[q.category], "kind": "bank_question",
                                                     "section": "Answer", "calibration": (q.text, q.category) in held})
            for q in read_questions(bank) if q.category in article_for]


def default_model_path() -> Path:
    """The tuned model when there is one, else the bundled base model."""
    tuned = tuned_model_dir()
    return tuned if (tuned / TUNING_MANIFEST).exists() else base_model_path()


def is_current(folder: Path, articles: list[Article], model_path: Path, bank: Path = QUESTION_BANK) -> bool:
    """True when the index in `folder` was built from exactly these articles with this model."""
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.exists() or not (folder / INDEX_FILE).exists():
        return False
    manifest = json.loads(manifest_path.read_text())
    expected = _fingerprint(articles, model_path, bank)
    return {key: manifest.get(key) for key in expected} == expected


def build_index(folder: Path | None = None, articles_dir: Path = ARTICLES_DIR, model_path: Path | None = None,
                force: bool = False, progress: bool = True, bank: Path = QUESTION_BANK) -> tuple[Path, bool]:
    """Build the index unless it is current; returns (folder, whether it was rebuilt).

    The model is the tuned one when it has been tuned (`tune_model`), the bundled base model otherwise.
    """
    folder = folder or index_dir()
    model_path = model_path or default_model_path()
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
                "text": d.page_content, "calibration": bool(d.metadata.get("calibration"))} for d in documents]
    # The calibration share stays out of the classifier too, so calibration sees questions nothing learnt from.
    learn = [i for i, entry in enumerate(entries) if not entry["calibration"]]
    classifier = train_classifier(vectors[learn], [entries[i]["article_id"] for i in learn])
    save_classifier(classifier, folder)
    manifest = {
        **_fingerprint(articles, model_path, bank),
        "model_path": str(model_path),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
        "passages": len(entries),
        "entries": entries,
    }
    # Imported here: calibration searches the index through the retriever, which imports this module.
    from assistant.knowledge.calibration import UNRELATED_QUESTIONS, calibrate

    loaded = KnowledgeIndex(index, entries, {a.id: a for a in articles}, manifest, classifier)
    manifest["calibration"] = calibrate(loaded, articles, bank, progress=progress).as_dict()
    manifest["threshold"] = manifest["calibration"]["threshold"]
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1))
    return folder, True


def load_index(folder: Path | None = None, articles_dir: Path = ARTICLES_DIR, warm: bool = True) -> KnowledgeIndex:
    """Read a built index to answer questions (FileNotFoundError when there is none: run `... knowledge build`).

    `warm` readies the model for single questions (one thread, first encode done) as a server wants it.
    """
    folder = folder or index_dir()
    if not (folder / INDEX_FILE).exists():
        raise FileNotFoundError(f"no knowledge index in {folder}: run `python -m assistant.knowledge build`")
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    articles = {a.id: a for a in load_articles(articles_dir)}
    if warm:
        # Questions come one at a time and are short: a couple of threads answer fastest, more only hand off.
        import torch

        torch.set_num_threads(get_settings().knowledge_threads)
        # The first encode pays for lazy initialisation (hundreds of ms); pay it here, not in a customer's chat.
        embed(["warm up"], manifest.get("model_path"))
    return KnowledgeIndex(faiss.read_index(str(folder / INDEX_FILE)), manifest["entries"], articles, manifest,
                          load_classifier(folder))


@lru_cache(maxsize=1)
def current_index() -> KnowledgeIndex:
    """The built index from BUILD_DIR, loaded once per process (FileNotFoundError until it is built)."""
    return load_index()


def vector_search(index: KnowledgeIndex, queries: np.ndarray, k: int) -> list[list[tuple[float, dict]]]:
    """The k nearest passages to each query vector, best first, as (cosine score, entry)."""
    scores, positions = index.faiss_index.search(queries.reshape(len(queries), -1), min(k, index.faiss_index.ntotal))
    return [[(float(s), index.entries[p]) for s, p in zip(row_scores, row_positions) if p >= 0]
            for row_scores, row_positions in zip(scores, positions)]
