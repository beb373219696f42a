"""The index answers from the article that covers a question, abstains when none does, and follows edits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.knowledge.articles import ARTICLES_DIR
from assistant.knowledge.evaluation import evaluate
from assistant.knowledge.index import KnowledgeIndex, build_index, index_dir, load_index
from assistant.knowledge.question_bank import Question
from assistant.knowledge.retriever import search
from assistant.settings import ROOT

# A few articles are enough to show an edit reaching the answer, and build in seconds.
EDIT_ARTICLES = ("card-arrival.md", "daily-transfer-limit.md", "lost-or-stolen-card.md", "exchange-rate.md")


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    """The project's index, as `make knowledge` built it (built here only when it is missing or stale)."""
    build_index(progress=False)
    return load_index()


# Written for this test: none of these is an example question, a question-bank row or a calibration question.
UNSEEN_PARAPHRASES = [
    ("my card still hasn't arrived, what do I do?", "card-arrival"),
    ("is there a cap on how much I can send to people in one day", "daily-transfer-limit"),
    ("my wallet got nicked with my debit card in it", "lost-or-stolen-card"),
    ("I typed the wrong PIN three times and now it won't let me use it", "pin-blocked"),
    ("can I put my Lumen card on my iPhone so I can pay with it", "apple-pay-google-pay"),
    ("the cash machine gave me £20 less than it took from my account", "wrong-amount-of-cash-received"),
    ("how old do you need to be to bank with you", "age-limit"),
    ("the same shop has taken money for one purchase two times", "charged-twice"),
    ("I sent money to my landlord and he says it never reached him", "transfer-not-received-by-recipient"),
    ("my card runs out next month, will a new one be sent automatically", "card-about-to-expire"),
    ("why do you need a picture of my passport", "why-verify-identity"),
    ("tapping my card on the reader at the shop doesn't work any more", "contactless-not-working"),
]


@pytest.mark.parametrize("question, article", UNSEEN_PARAPHRASES)
def test_an_unseen_paraphrase_has_the_article_on_its_topic_among_the_three_offered(
        index: KnowledgeIndex, question: str, article: str) -> None:
    assert article in [hit.article_id for hit in search(index, question).hits]


def test_nearly_every_unseen_paraphrase_is_matched_to_its_article_first(index: KnowledgeIndex) -> None:
    misses = [q for q, article in UNSEEN_PARAPHRASES if search(index, q).best.article_id != article]
    assert len(misses) <= 1, misses


def test_most_unseen_paraphrases_are_answered_outright_rather_than_with_suggestions(index: KnowledgeIndex) -> None:
    answered = [q for q, article in UNSEEN_PARAPHRASES
                if (answer := search(index, q)).confident and answer.best.article_id == article]
    assert len(answered) >= 8, answered


def test_the_paraphrases_are_not_in_the_index(index: KnowledgeIndex) -> None:
    indexed = {entry["text"].lower() for entry in index.entries}
    assert [q for q, _ in UNSEEN_PARAPHRASES if q.lower() in indexed] == []


def test_an_unrelated_question_is_not_answered(index: KnowledgeIndex) -> None:
    assert search(index, "tell me a joke about penguins").confident is False


def test_an_unchanged_knowledge_base_is_not_rebuilt(index: KnowledgeIndex) -> None:
    assert build_index(progress=False)[1] is False


def _few_articles(folder: Path) -> Path:
    folder.mkdir()
    for name in EDIT_ARTICLES:
        shutil.copy(ARTICLES_DIR / name, folder / name)
    return folder


def test_editing_an_article_changes_the_answer_after_a_rebuild(tmp_path: Path) -> None:
    articles = _few_articles(tmp_path / "articles")
    no_bank = tmp_path / "no-bank.csv"
    build_index(tmp_path / "index", articles_dir=articles, progress=False, bank=no_bank)
    card = articles / "card-arrival.md"
    card.write_text(card.read_text().replace("within 3 to 5 working days", "within 2 to 4 working days"))
    folder, rebuilt = build_index(tmp_path / "index", articles_dir=articles, progress=False, bank=no_bank)
    answer = search(load_index(folder, articles), "when will my new card arrive?")
    assert (rebuilt, "2 to 4 working days" in answer.best.answer) == (True, True)


def test_the_index_loads_and_answers_with_the_hub_switched_off_and_an_empty_cache(
        index: KnowledgeIndex, tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"),
           "SENTENCE_TRANSFORMERS_HOME": str(tmp_path / "st"), "BUILD_DIR": str(index_dir().parent.parent)}
    query = subprocess.run([sys.executable, "-m", "assistant.knowledge", "query", "my card hasn't come yet"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert (query.returncode, "card-arrival" in query.stdout) == (0, True)


def test_evaluation_counts_topics_without_an_article_as_misses(index: KnowledgeIndex) -> None:
    scores = evaluate(index, [Question("my new card still hasn't been delivered", "card_arrival"),
                              Question("can I get a mortgage from you", "mortgage_application")])
    assert (scores.top1, scores.topics_covered, scores.topics_asked) == (0.5, 1, 2)
