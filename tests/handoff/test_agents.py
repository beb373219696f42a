"""Agent accounts: passwords kept as scrypt hashes, sign-in by email and password."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from assistant.handoff.agents import AgentAlreadyExists, WeakPassword, add_agent, authenticate
from assistant.handoff.passwords import hash_password, verify_password
from tests.handoff.conftest import PASSWORD, Desk


def test_password_hash_verifies_the_password_and_not_another() -> None:
    stored = hash_password("a long enough secret")
    assert (verify_password("a long enough secret", stored), verify_password("a long enough secreT", stored)) == (
        True, False)


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("a long enough secret") != hash_password("a long enough secret")


def test_a_malformed_stored_hash_verifies_nothing() -> None:
    assert verify_password("anything", "md5$abc") is False


def test_agent_signs_in_with_email_in_any_case_and_the_right_password(session: Session, desk: Desk) -> None:
    assert authenticate(session, "  Alex@Lumen.Example ", PASSWORD).id == desk.alex.id


def test_wrong_password_signs_nobody_in(session: Session, desk: Desk) -> None:
    assert authenticate(session, "alex@lumen.example", PASSWORD + "!") is None


def test_unknown_email_signs_nobody_in(session: Session, desk: Desk) -> None:
    assert authenticate(session, "nobody@lumen.example", PASSWORD) is None


def test_the_password_is_not_stored_in_clear(session: Session, desk: Desk) -> None:
    assert PASSWORD not in desk.alex.password_hash


def test_adding_an_agent_with_a_taken_email_is_refused(session: Session, desk: Desk) -> None:
    with pytest.raises(AgentAlreadyExists):
        add_agent(session, "ALEX@lumen.example", "Another Alex", PASSWORD)


def test_a_short_password_is_refused(session: Session, desk: Desk) -> None:
    with pytest.raises(WeakPassword):
        add_agent(session, "kim@lumen.example", "Kim", "short")
