"""Rasa's event classes found by type name through the remembered lookup (dialogue/event_types.py), in Rasa's
virtualenv: the same classes as Rasa's own search, the same fallbacks for names it does not know."""

from __future__ import annotations

import pytest

from tests.dialogue.rasa_python import json_from_rasa_python

# Rasa's own answers first, then the remembered lookup's, asked twice (the second time from what it remembered).
LOOKUPS = """
import json
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.utils.common import all_subclasses
from dialogue.event_types import install_event_type_cache

names = sorted({cls.type_name for cls in all_subclasses(Event)})
def answers():
    found = {name: Event.resolve_by_type(name).__name__ for name in names}
    try:
        Event.resolve_by_type("no_such_event")
        unknown = "found"
    except ValueError:
        unknown = "ValueError"
    fallback = Event.resolve_by_type("no_such_event", ActionExecuted).__name__
    parsed = type(Event.from_parameters({"event": "bot", "text": "Hello!", "timestamp": 1.0})).__name__
    return {"found": found, "unknown": unknown, "fallback": fallback, "parsed": parsed}
rasa = answers()
install_event_type_cache()
print(json.dumps({"rasa": rasa, "remembered": [answers(), answers()],
                  "installed": Event.resolve_by_type.__module__}))
"""


@pytest.fixture(scope="module")
def lookups() -> dict:
    """Rasa's answers and the remembered lookup's, from one run of Rasa's Python."""
    return json_from_rasa_python(LOOKUPS)


def test_installing_the_lookup_replaces_rasas_search(lookups: dict) -> None:
    assert lookups["installed"] == "dialogue.event_types"


def test_every_event_type_resolves_to_the_class_rasa_finds(lookups: dict) -> None:
    assert [answer["found"] for answer in lookups["remembered"]] == [lookups["rasa"]["found"]] * 2


def test_an_unknown_event_type_is_still_refused(lookups: dict) -> None:
    assert [answer["unknown"] for answer in lookups["remembered"]] == ["ValueError", "ValueError"]


def test_an_unknown_event_type_still_gets_the_default_asked_for(lookups: dict) -> None:
    assert [answer["fallback"] for answer in lookups["remembered"]] == ["ActionExecuted", "ActionExecuted"]


def test_a_stored_event_is_rebuilt_as_its_own_class(lookups: dict) -> None:
    assert [answer["parsed"] for answer in lookups["remembered"]] == ["BotUttered", "BotUttered"]
