"""The embedding model is tuned on labelled phrasings, in batches of distinct topics, and only when inputs change."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from assistant.knowledge.articles import load_articles
from assistant.knowledge.embedder import base_model_path
from assistant.knowledge.question_bank import Question, write_questions
from assistant.knowledge.tuning import (LabelledQuestion, Recipe, _batches, is_current, fingerprint,
                                        labelled_questions, tune_model)

TINY = Recipe(epochs=1, batch_size=2)


def _rows(labels: int, per_label: int) -> list[LabelledQuestion]:
    return [LabelledQuestion(f"question {n} about topic {label}", f"topic-{label}")
            for label in range(labels) for n in range(per_label)]


def test_no_batch_holds_two_pairs_of_one_topic() -> None:
    batches = _batches(_rows(labels=9, per_label=7), size=4, rng=random.Random(1))
    assert all(len({a.label for a, _ in batch}) == len(batch) for batch in batches)


def test_both_sides_of_a_pair_are_phrasings_of_the_same_topic() -> None:
    batches = _batches(_rows(labels=6, per_label=5), size=3, rng=random.Random(3))
    assert all(a.label == b.label and a.text != b.text for batch in batches for a, b in batch)


def test_each_phrasing_is_used_once_but_a_last_pair_with_no_other_topic_left() -> None:
    rows = _rows(labels=8, per_label=6)
    used = [t.text for batch in _batches(rows, size=4, rng=random.Random(2)) for pair in batch for t in pair]
    assert (len(used) == len(set(used)), len(rows) - len(used) in (0, 2)) == (True, True)


def test_bank_questions_are_labelled_with_the_article_that_covers_their_topic() -> None:
    articles = [a for a in load_articles() if a.id == "card-arrival"]
    rows = labelled_questions(articles, [Question("where is my card", "card_arrival"),
                                         Question("how do I get a mortgage", "mortgage")])
    assert [r.label for r in rows[:2]] == ["card-arrival", "mortgage"]


@pytest.fixture()
def small_inputs(tmp_path: Path) -> tuple[Path, Path]:
    articles = tmp_path / "articles"
    articles.mkdir()
    for source in sorted(Path("knowledge/articles").glob("*.md"))[:3]:
        (articles / source.name).write_text(source.read_text())
    bank = write_questions(tmp_path / "bank.csv", [Question(f"sample question {n}", "card_arrival") for n in range(6)])
    return articles, bank


def test_a_tuned_model_is_not_retrained_when_nothing_changed(tmp_path: Path, small_inputs: tuple[Path, Path]) -> None:
    articles, bank = small_inputs
    folder, _ = tune_model(tmp_path / "model", articles, bank, TINY, progress=False)
    assert tune_model(folder, articles, bank, TINY, progress=False)[1] is False


def test_a_new_example_question_makes_the_model_out_of_date(tmp_path: Path, small_inputs: tuple[Path, Path]) -> None:
    articles, bank = small_inputs
    folder, _ = tune_model(tmp_path / "model", articles, bank, TINY, progress=False)
    first = sorted(articles.glob("*.md"))[0]
    first.write_text(first.read_text().replace("questions:\n", "questions:\n  - a brand new way to ask\n", 1))
    assert is_current(folder, fingerprint(load_articles(articles), bank, base_model_path(), TINY)) is False


def test_a_tuned_model_loads_offline_and_embeds(tmp_path: Path, small_inputs: tuple[Path, Path]) -> None:
    from assistant.knowledge.embedder import embed

    articles, bank = small_inputs
    folder, _ = tune_model(tmp_path / "model", articles, bank, TINY, progress=False)
    assert embed(["where is my card"], str(folder)).shape == (1, 384)
