"""Questions about the bank: answered by quoting the approved article that covers them, with its source."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import BOT_FAILED, FALLBACK_INTENT, hand_off, previous_turn_failed
from actions.identity import UnverifiedConversation, customer_id
from assistant.knowledge.index import current_index
from assistant.knowledge.retriever import search

# Set while the customer is looking at suggestions because the last question was not understood; a second
# question the knowledge base is unsure of goes to a person rather than round the same loop.
UNSURE_SLOT = "knowledge_unsure"

# Picking this after the suggestions hands the chat to a person (data/rules/handoff.yml).
NONE_OF_THESE = {"title": "None of these", "payload": "/none_of_these"}
UNAVAILABLE = "Sorry, I can't look that up right now. Please try again in a moment."


# The process-wide index, which the action server loads and warms before it reports ready (assistant/warmup.py).
knowledge_index = current_index


def _quote(dispatcher: CollectingDispatcher, article_id: str, title: str, answer: str) -> None:
    dispatcher.utter_message(text=f"{answer}\n\nSource: {title}",
                             json_message={"type": "article", "id": article_id, "title": title})


class ActionAnswerQuestion(Action):
    """The customer's question is answered from the approved article that covers it, or they choose from the closest."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        # A second message in a row the bot did not understand goes to a person (rules cannot span two
        # user messages, so the rule sending nlu_fallback here cannot say it).
        if (tracker.latest_message.get("intent") or {}).get("name") == FALLBACK_INTENT and \
                previous_turn_failed(tracker.events):
            return [FollowupAction("action_handoff"), SlotSet(UNSURE_SLOT, False)]
        question = (tracker.latest_message.get("text") or "").strip()
        try:
            answer = search(knowledge_index(), question)
        except FileNotFoundError:
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        if answer.confident:
            _quote(dispatcher, answer.best.article_id, answer.best.title, answer.best.answer)
            return [SlotSet(UNSURE_SLOT, False)]
        if tracker.get_slot(UNSURE_SLOT):
            try:
                return hand_off(customer_id(tracker), dispatcher, tracker, BOT_FAILED) + [SlotSet(UNSURE_SLOT, False)]
            except UnverifiedConversation:
                pass  # nobody to hand over: offer the suggestions again
        if answer.hits:
            dispatcher.utter_message(
                text="I'm not sure I've understood. Is it one of these?",
                buttons=[{"title": hit.title, "payload": "/choose_article" + json.dumps({"article_id": hit.article_id})}
                         for hit in answer.hits] + [NONE_OF_THESE],
            )
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet(UNSURE_SLOT, True)]


class ActionShowArticle(Action):
    """The customer picked an article from the suggestions and sees its approved answer."""

    def name(self) -> str:
        return "action_show_article"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        article_id = next(tracker.get_latest_entity_values("article_id"), None)
        try:
            article = knowledge_index().articles.get(article_id or "")
        except FileNotFoundError:
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        if article is None:
            dispatcher.utter_message(text="Sorry, I couldn't find that article. Could you ask your question again?")
            return []
        _quote(dispatcher, article.id, article.title, article.answer)
        return [SlotSet(UNSURE_SLOT, False)]
