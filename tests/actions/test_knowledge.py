"""Questions about the bank are answered by quoting the approved article, or by offering the closest ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.knowledge import ActionAnswerQuestion, ActionShowArticle, knowledge_index
from assistant.knowledge.index import build_index
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker, run_action


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build_dir = tmp_path_factory.mktemp("build")
    build_index(build_dir / "knowledge" / "index", progress=False)
    return build_dir


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


async def test_an_unclear_question_offers_the_closest_articles_as_buttons(knowledge: None) -> None:
    messages, _ = await run_action(ActionAnswerQuestion(), make_tracker(1, text="tell me a joke about penguins"))
    assert (len(messages[0]["buttons"]), messages[0]["buttons"][0]["payload"].startswith("/choose_article")) == (3, True)


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
