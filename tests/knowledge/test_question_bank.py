"""The held-out questions are fixed by the seed, a fair share of every topic, and never in the bank."""

from __future__ import annotations

import pytest

from assistant.knowledge.question_bank import Question, read_questions, split

QUESTIONS = [Question(f"question {topic} {i}", topic) for topic in ("card_arrival", "exchange_rate") for i in range(10)]


def test_the_same_seed_holds_out_the_same_questions() -> None:
    assert split(QUESTIONS, seed=3)[1] == split(QUESTIONS, seed=3)[1]


def test_a_fifth_of_every_topic_is_held_out() -> None:
    held_out = split(QUESTIONS)[1]
    assert sorted(q.category for q in held_out) == ["card_arrival"] * 2 + ["exchange_rate"] * 2


def test_held_out_questions_are_not_in_the_bank() -> None:
    bank, held_out = split(QUESTIONS)
    assert (set(bank) & set(held_out), len(bank) + len(held_out)) == (set(), len(QUESTIONS))


def test_a_file_without_the_category_column_is_refused_naming_the_column(tmp_path) -> None:
    path = tmp_path / "questions.csv"
    path.write_text("text,label\nwhere is my card,card_arrival\n")
    with pytest.raises(ValueError, match="missing category"):
        read_questions(path)
