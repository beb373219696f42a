"""The customer's own words for a kind of product or a reason for leaving, as the services' codes."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from assistant.models.offers import PRODUCT_KINDS
from assistant.models.retention import STATED_REASONS

KIND_WORDS: dict[str, tuple[str, ...]] = {
    "credit_card": ("credit card", "credit_card", "card", "cashback card", "travel card", "balance transfer card"),
    "savings": ("savings", "saver", "savings account", "isa", "cash isa", "easy saver", "fixed saver", "saving"),
    "loan": ("loan", "personal loan", "borrowing", "borrow"),
    "current": ("current account", "current", "bank account", "premier", "everyday account", "account"),
}
# Words that point to each stated reason for leaving; anything else is "other".
REASON_WORDS: dict[str, tuple[str, ...]] = {
    "fees": ("fee", "fees", "charge", "charges", "charged", "overdraft", "interest", "expensive", "cost"),
    "rates": ("rate", "rates", "interest rate", "better rate", "savings rate", "return", "returns", "pays more"),
    "service": ("service", "complaint", "rude", "app", "waiting", "unhelpful", "problem", "support", "treated"),
    "moving": ("moving", "move", "abroad", "emigrating", "relocating", "leaving the country", "another country"),
}
_MIN_SIMILARITY = 85


def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def kind_from_words(text: str | None) -> str | None:
    """The product kind (one of PRODUCT_KINDS) the words name, or None when they name none."""
    if not text:
        return None
    said = _words(text)
    if said.replace(" ", "_") in PRODUCT_KINDS:
        return said.replace(" ", "_")
    choices = {word: kind for kind, words in KIND_WORDS.items() for word in words}
    found = process.extractOne(said.rstrip("s") if said.endswith("cards") else said, list(choices),
                               scorer=fuzz.WRatio, score_cutoff=_MIN_SIMILARITY)
    return choices[found[0]] if found else None


def reason_from_words(text: str | None) -> str:
    """The stated reason for leaving (one of STATED_REASONS) that a button or free text gives; "other" if unclear."""
    said = _words(text or "")
    if said in STATED_REASONS:
        return said
    padded = f" {said} "
    for reason in ("rates", "fees", "service", "moving"):
        if any(f" {word} " in padded for word in REASON_WORDS[reason]):
            return reason
    return "other"
