"""Questions about the bank are answered by quoting the approved article, or by offering the closest ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rasa_sdk.events import ConversationPaused, SlotSet
from sqlalchemy.engine import Engine

from actions.knowledge import UNSURE_SLOT, ActionAnswerQuestion, ActionShowArticle, knowledge_index
from assistant.knowledge.index import build_index
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords


@pytest.fixture(scope="module")
def built_index() -> Path:
    """The project's index as `make knowledge` built it (built here only when it is missing or stale)."""
    build_index(progress=False)
    return get_settings().build_dir


@pytest.fixture
def knowledge(built_index: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The actions read the index built for this module."""
    monkeypatch.setenv("BUILD_DIR", str(built_index))
    get_settings.cache_clear()
    knowledge_index.cache_clear()
    yield
    knowledge_index.cache_clear()
    get_settings.cache_clear()


async def test_a_covered_question_is_answered_with_the_article_and_its_source(knowledge: None) -> None:
    messages, _ = await run_action(ActionAnswerQuestion(),
                                   make_tracker(1, text="my card still hasn't arrived, what do I do?"))
    assert (messages[0]["custom"]["id"], "Source: When will my new card arrive?" in messages[0]["text"]) == (
        "card-arrival", True)


async def test_an_unclear_question_offers_the_closest_articles_and_none_of_these_as_buttons(knowledge: None) -> None:
    messages, _ = await run_action(ActionAnswerQuestion(), make_tracker(1, text="tell me a joke about penguins"))
    assert ([b["payload"].split("{")[0] for b in messages[0]["buttons"]]) == ["/choose_article"] * 3 + ["/none_of_these"]


async def test_a_chosen_article_is_quoted(knowledge: None) -> None:
    tracker = make_tracker(1, intent="choose_article", entities=[{"entity": "article_id", "value": "lost-or-stolen-card"}])
    messages, _ = await run_action(ActionShowArticle(), tracker)
    assert messages[0]["custom"] == {"type": "article", "id": "lost-or-stolen-card",
                                     "title": "I've lost my card or it was stolen"}


async def test_without_an_index_the_customer_hears_it_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUILD_DIR", str(tmp_path))
    get_settings.cache_clear()
    knowledge_index.cache_clear()
    messages, _ = await run_action(ActionAnswerQuestion(), make_tracker(1, text="how do I change my PIN"))
    knowledge_index.cache_clear()
    get_settings.cache_clear()
    assert "can't look that up" in messages[0]["text"]


async def test_suggestions_remember_that_the_question_was_not_understood(knowledge: None) -> None:
    _, events = await run_action(ActionAnswerQuestion(), make_tracker(1, text="tell me a joke about penguins"))
    assert events == [SlotSet(UNSURE_SLOT, True)]


async def test_asking_again_after_suggestions_without_being_understood_hands_the_chat_to_a_person(
        knowledge: None, records: CustomerRecords, action_db: Engine) -> None:
    tracker = make_tracker(records.customer.id, text="what about the penguins then", slots={UNSURE_SLOT: True})
    messages, events = await run_action(ActionAnswerQuestion(), tracker)
    assert (messages[0]["custom"]["type"], ConversationPaused() in events) == ("handoff", True)


async def test_an_answered_question_clears_the_not_understood_mark(knowledge: None) -> None:
    tracker = make_tracker(1, text="my card still hasn't arrived, what do I do?", slots={UNSURE_SLOT: True})
    _, events = await run_action(ActionAnswerQuestion(), tracker)
    assert events == [SlotSet(UNSURE_SLOT, False)]
