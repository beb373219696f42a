"""Conversation ids and the references records keep for them."""

from __future__ import annotations

from assistant.identity import conversation_id_for, conversation_reference

SECRET = "identity-test-secret"


def test_a_conversation_reference_is_stable_and_names_one_conversation() -> None:
    first, second = conversation_id_for(1, SECRET), conversation_id_for(2, SECRET)
    assert conversation_reference(first, SECRET) == conversation_reference(first, SECRET)
    assert conversation_reference(first, SECRET) != conversation_reference(second, SECRET)


def test_a_conversation_reference_does_not_contain_the_sender_id_or_its_signature() -> None:
    sender = conversation_id_for(1, SECRET)
    reference = conversation_reference(sender, SECRET)
    assert sender not in reference and sender.rsplit("-", 1)[1] not in reference
