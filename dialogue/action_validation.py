"""Rasa checks every action server response against a fixed JSON schema; this builds the validator once.

Rasa 3.6 calls `jsonschema.validate(result, schema)` for each response, and `validate` first checks the schema
itself against its metaschema and builds a new validator: in a profile of Rasa under load that was 30% of its time
(a known slowdown of Rasa 3.x with jsonschema 4). The schema never changes, so one validator of the same class
`validate` would choose checks every response the same way, raising the same ValidationError with Rasa's hint added.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Validator:
    """The validator of Rasa's action response schema, made once."""
    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's `RemoteAction._validate_action_result`, with the validator made once."""
    try:
        response_validator().validate(result)
        return True
    except ValidationError as invalid:
        invalid.message += (". Failed to validate Action server response from API, make sure your response from the "
                            f"Action endpoint is valid. For more information about the format visit "
                            f"{DOCS_BASE_URL}/custom-actions")
        raise


def install_cached_action_validation() -> None:
    """Make Rasa's remote actions validate their responses with the one validator (before Rasa serves)."""
    RemoteAction._validate_action_result = validate_action_result
