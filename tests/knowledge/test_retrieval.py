"""The index answers from the article that covers a question, abstains when none does, and follows edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.knowledge.articles import ARTICLES_DIR
from assistant.knowledge.evaluation import evaluate
from assistant.knowledge.index import KnowledgeIndex, build_index, load_index
from assistant.knowledge.question_bank import Question
from assistant.knowledge.retriever import search


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeIndex:
    folder = tmp_path_factory.mktemp("index")
    build_index(folder, progress=False)
    return load_index(folder)


@pytest.mark.parametrize("question, article", [
    ("is there a cap on how much I can transfer today", "daily-transfer-limit"),
    ("what do you charge when I pay in dollars", "foreign-card-payments"),
    ("my wallet got nicked with my debit card in it", "lost-or-stolen-card"),
])
def test_a_paraphrase_is_answered_from_the_article_on_its_topic(index: KnowledgeIndex, question: str,
                                                                article: str) -> None:
    answer = search(index, question)
    assert (answer.confident, answer.best.article_id) == (True, article)


def test_an_unrelated_question_is_not_answered(index: KnowledgeIndex) -> None:
    assert search(index, "tell me a joke about penguins").confident is False


def test_an_unchanged_knowledge_base_is_not_rebuilt(tmp_path: Path) -> None:
    build_index(tmp_path, progress=False)
    assert build_index(tmp_path, progress=False)[1] is False


def test_editing_an_article_changes_the_answer_after_a_rebuild(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(ARTICLES_DIR, articles)
    card = articles / "card-arrival.md"
    card.write_text(card.read_text().replace("within 3 to 5 working days", "within 2 to 4 working days"))
    folder, rebuilt = build_index(tmp_path / "index", articles_dir=articles, progress=False)
    answer = search(load_index(folder, articles), "when will my new card arrive?")
    assert (rebuilt, "2 to 4 working days" in answer.best.answer) == (True, True)


def test_evaluation_counts_topics_without_an_article_as_misses(index: KnowledgeIndex) -> None:
    scores = evaluate(index, [Question("my new card still hasn't been delivered", "card_arrival"),
                              Question("how old do I have to be to open an account", "age_limit")])
    assert (scores.top1, scores.topics_covered, scores.topics_asked) == (0.5, 1, 2)
