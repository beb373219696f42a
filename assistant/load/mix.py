"""What the benchmark's customers say: the mix of conversations, each a script of turns, and what counts as answered."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

Replies = list[dict]


def _answered(replies: Replies) -> str | None:
    """None when the bot said something, else why the turn failed."""
    return None if any(r.get("text") or r.get("custom") or r.get("image") for r in replies) else "no reply"


def _offers_confirmation(replies: Replies) -> str | None:
    """The transfer's confirmation question must offer yes and no: without it the next turn would confirm nothing."""
    payloads = {button.get("payload") for reply in replies for button in reply.get("buttons") or []}
    return None if "/affirm" in payloads else "no confirmation offered"


@dataclass(frozen=True)
class Turn:
    """One message and the check its replies must pass; `kind` names its figures in the results.

    `when_asked` pairs a question the bot may ask back with the turn a customer answers it with (the NLU does not
    recognise every payee's name in a sentence, and then asks for it, as it would ask a real customer)."""

    kind: str
    message: str
    check: Callable[[Replies], str | None] = _answered
    when_asked: tuple[tuple[str, "Turn"], ...] = ()

    def answer_to(self, replies: Replies) -> "Turn | None":
        """The turn that answers a question the bot asked back in `replies`, if it asked one of `when_asked`."""
        said = " ".join(reply.get("text") or "" for reply in replies)
        return next((answer for question, answer in self.when_asked if question in said), None)


@dataclass(frozen=True)
class Script:
    """A short conversation a customer starts; picked by weight, its turns sent one per pacing interval."""

    name: str
    turns: tuple[Turn, ...]
    weight: int


# Weights: what customers ask most in a banking app (balance first), with a transfer now and then.
SCRIPTS: tuple[Script, ...] = (
    Script("balance", (Turn("balance", "what's my balance?"),), 4),
    Script("transaction_search", (Turn("transaction_search", "show me my Tesco transactions"),), 2),
    Script("spending_summary", (Turn("spending_summary", "how much did I spend last month?"),), 2),
    Script("transfer", (Turn("transfer_request", "send £1 to {payee} from my current account", _offers_confirmation,
                             when_asked=(("Who would you like to send it to?",
                                          Turn("transfer_payee", "{payee}", _offers_confirmation)),)),
                        Turn("transfer_confirm", "/affirm")), 1),
    Script("knowledge_answer", (Turn("knowledge_answer", "my card still hasn't arrived, what do I do?"),), 1),
    Script("knowledge_answer_pin", (Turn("knowledge_answer", "how do I change my PIN?"),), 1),
    Script("small_talk", (Turn("small_talk", "hello"),), 1),
    Script("small_talk_thanks", (Turn("small_talk", "thanks, that's all"),), 1),
)

TURN_KINDS: tuple[str, ...] = tuple(dict.fromkeys(turn.kind for script in SCRIPTS for turn in script.turns))


def pick_script(rng: random.Random, scripts: tuple[Script, ...] = SCRIPTS) -> Script:
    """The next conversation a customer starts, by weight."""
    return rng.choices(scripts, weights=[s.weight for s in scripts])[0]
