"""Rasa's check of action server responses, with its validator made once, accepts and refuses what Rasa's own does.

Run in Rasa's Python (the dialogue engine's virtualenv), as tests/dialogue/test_event_types.py is."""

from __future__ import annotations

import pytest

from tests.dialogue.rasa_python import json_from_rasa_python

CHECK = """
import json, sys
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from dialogue.action_validation import install_cached_action_validation
results = [
    {"events": [{"event": "slot", "name": "transfer_amount", "value": 25}], "responses": [{"text": "Done."}]},
    {"events": [], "responses": []},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"responses": [{"text": "hi"}], "events": [{"event": "bot", "text": 3, "timestamp": "x"}]},
]
def verdicts():
    out = []
    for result in results:
        try:
            out.append(RemoteAction._validate_action_result(RemoteAction, result))  # its spec is a static method
        except ValidationError as invalid:
            out.append("refused: " + ("custom-actions" in invalid.message and "hint" or "no hint"))
    return out
rasa_own = verdicts()
install_cached_action_validation()
print(json.dumps({"rasa": rasa_own, "cached": verdicts()}))
"""


@pytest.fixture(scope="module")
def verdicts() -> dict:
    return json_from_rasa_python(CHECK)


def test_the_cached_validator_gives_every_response_the_verdict_rasa_gives(verdicts: dict) -> None:
    assert verdicts["cached"] == verdicts["rasa"]


def test_a_malformed_response_is_still_refused_with_rasas_hint(verdicts: dict) -> None:
    assert verdicts["cached"][3] == "refused: hint"
