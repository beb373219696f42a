"""The approved articles: Markdown files with YAML front matter, loaded and split by their headings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from langchain_core.documents import Document
from langchain_text_splitters import MarkdownHeaderTextSplitter

from assistant.settings import ROOT

ARTICLES_DIR = ROOT / "knowledge" / "articles"
_REQUIRED = ("id", "title", "topics", "owner", "last_reviewed")


class InvalidArticle(ValueError):
    """An article file breaks the format in knowledge/README.md; the message names the file and the problem."""


@dataclass(frozen=True)
class Article:
    """One approved article: its metadata, the short answer to quote, and the full text."""

    id: str
    title: str
    topics: tuple[str, ...]
    owner: str
    last_reviewed: str
    answer: str
    body: str
    questions: tuple[str, ...] = ()
    banking77: str | None = None
    sha256: str = field(default="", compare=False)


def _split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise InvalidArticle(f"{path.name}: no front matter (the file must start with '---')")
    try:
        head, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head) or {}
    except (ValueError, yaml.YAMLError) as problem:
        raise InvalidArticle(f"{path.name}: front matter is not valid YAML ({problem})") from problem
    missing = [key for key in _REQUIRED if not meta.get(key)]
    if missing:
        raise InvalidArticle(f"{path.name}: front matter lacks {', '.join(missing)}")
    if meta["id"] != path.stem:
        raise InvalidArticle(f"{path.name}: id {meta['id']!r} must match the file name")
    return meta, body


def _sections(body: str) -> list[Document]:
    splitter = MarkdownHeaderTextSplitter([("#", "title"), ("##", "section")], strip_headers=True)
    return splitter.split_text(body)


def parse_article(path: Path) -> Article:
    """Read one article file; InvalidArticle says what is wrong with it."""
    text = path.read_text(encoding="utf-8")
    meta, body = _split_front_matter(path, text)
    answers = [doc.page_content.strip() for doc in _sections(body) if doc.metadata.get("section") == "Answer"]
    if not answers or not answers[0]:
        raise InvalidArticle(f"{path.name}: no '## Answer' section")
    return Article(
        id=meta["id"], title=str(meta["title"]), topics=tuple(meta["topics"]), owner=str(meta["owner"]),
        last_reviewed=str(meta["last_reviewed"]), answer=answers[0], body=body.strip(),
        questions=tuple(str(q) for q in meta.get("questions") or ()), banking77=meta.get("banking77"),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def load_articles(folder: Path = ARTICLES_DIR) -> list[Article]:
    """Every article in the folder, sorted by id; InvalidArticle on the first broken file."""
    return [parse_article(path) for path in sorted(folder.glob("*.md"))]


def passages(article: Article) -> list[Document]:
    """The article as searchable passages: each section under its heading, plus each example question."""
    documents = []
    for doc in _sections(article.body):
        section = doc.metadata.get("section") or article.title
        documents.append(Document(page_content=f"{article.title}. {section}. {doc.page_content.strip()}",
                                  metadata={"article_id": article.id, "kind": "section", "section": section}))
    for question in article.questions:
        documents.append(Document(page_content=question,
                                  metadata={"article_id": article.id, "kind": "question", "section": "Answer"}))
    return documents
