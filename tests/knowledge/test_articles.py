"""Articles follow the approved format, and a broken file is refused with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.bank.catalogue import CARD_DELIVERY_WORKING_DAYS, FEES, LIMITS
from assistant.knowledge.articles import InvalidArticle, load_articles, parse_article, passages

GOOD = """---
id: pin-reminder
title: I forgot my PIN
topics: [cards]
owner: cards-team
last_reviewed: 2026-11-01
questions:
  - I forgot my PIN
  - How do I see my PIN?
---
# I forgot my PIN

## Answer
You can view your PIN in the app under Cards.

## Details
More text.
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_answer_section_is_what_gets_quoted(tmp_path: Path) -> None:
    article = parse_article(_write(tmp_path, "pin-reminder.md", GOOD))
    assert article.answer == "You can view your PIN in the app under Cards."


def test_sections_and_example_questions_become_passages(tmp_path: Path) -> None:
    docs = passages(parse_article(_write(tmp_path, "pin-reminder.md", GOOD)))
    assert [(d.metadata["kind"], d.metadata["section"]) for d in docs] == [
        ("section", "Answer"), ("section", "Details"), ("question", "Answer"), ("question", "Answer")]


@pytest.mark.parametrize("broken, problem", [
    (GOOD.replace("id: pin-reminder", "id: other"), "must match the file name"),
    (GOOD.replace("owner: cards-team\n", ""), "lacks owner"),
    (GOOD.replace("## Answer", "## Summary"), "no '## Answer' section"),
    (GOOD.split("---\n", 2)[2], "no front matter"),
])
def test_a_broken_article_is_refused_with_the_reason(tmp_path: Path, broken: str, problem: str) -> None:
    with pytest.raises(InvalidArticle, match=problem):
        parse_article(_write(tmp_path, "pin-reminder.md", broken))


def test_every_article_in_the_knowledge_base_is_valid() -> None:
    assert len(load_articles()) >= 4


def test_articles_quote_the_catalogues_fees_and_limits() -> None:
    articles = {a.id: a for a in load_articles()}
    low, high = CARD_DELIVERY_WORKING_DAYS
    assert (f"{low} to {high} working days" in articles["card-arrival"].answer,
            f"{FEES.foreign_transaction_percent}%" in articles["foreign-card-payments"].answer,
            f"£{LIMITS.daily_transfer:,}" in articles["daily-transfer-limit"].answer) == (True, True, True)
