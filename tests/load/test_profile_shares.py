"""A sampling profile's samples are charged to the innermost category they are in."""

from __future__ import annotations

from assistant.load.profile_shares import OTHER, shares

TED = "predict (rasa/core/policies/ted_policy.py:900)"
QUERY = "_retrieve (rasa/core/tracker_store.py:1270)"
SCHEMA = "validate (jsonschema/validators.py:1300)"


def test_a_query_made_inside_a_policy_counts_as_the_tracker_store() -> None:
    assert shares([f"main (x.py:1);{TED};{QUERY} 3"]) == {"tracker store (SQLAlchemy)": 1.0}


def test_shares_are_fractions_of_all_samples() -> None:
    assert shares([f"main (x.py:1);{TED} 3", f"main (x.py:1);{SCHEMA} 1"]) == {
        "TEDPolicy": 0.75, "jsonschema (validating action responses)": 0.25}


def test_frames_outside_every_category_count_as_other_and_bad_lines_are_skipped() -> None:
    assert shares(["main (asyncio/events.py:80) 2", "not a profile line"]) == {OTHER: 1.0}
