"""A customer's saved payees, and finding the one they mean from a loosely typed name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, utils
from sqlmodel import Session, select

from assistant.bank.accounts import AccountNotFound, kind_from_text
from assistant.bank.models import Account, Payee

# Words customers put around a name ("send it to my mum please") that say nothing about who it is.
_FILLER = re.compile(r"\b(?:to|my|the|our|please|account|for|pay|send|it|me)\b", re.IGNORECASE)
CONFIDENT = 85
MARGIN = 10
POSSIBLE = 60
MOST_CANDIDATES = 4


@dataclass(frozen=True)
class PayeeMatch:
    """Who a typed name points to: one payee, several candidates, or nobody."""

    payee: Payee | None = None
    candidates: list[Payee] = field(default_factory=list)

    @property
    def is_confident(self) -> bool:
        """Exactly one payee fits well enough to use without asking."""
        return self.payee is not None


def list_payees(session: Session, customer_id: int) -> list[Payee]:
    """The customer's saved payees in name order."""
    return list(session.exec(select(Payee).where(Payee.customer_id == customer_id).order_by(Payee.name)))


def payee_of(session: Session, customer_id: int, payee_id: int) -> Payee | None:
    """One of the customer's payees by id, or None when it is not theirs."""
    payee = session.get(Payee, payee_id)
    return payee if payee is not None and payee.customer_id == customer_id else None


def name_score(wanted: str, name: str) -> float:
    """How well a typed name fits a payee's name (0-100), word by word, initials counting ("J Wilson")."""
    typed, words = utils.default_process(wanted).split(), utils.default_process(name).split()
    # An initial stands for the payee's word that starts with it, so "j wilson" reads as "james wilson".
    expanded = [next((w for w in words if w.startswith(t)), t) if len(t) == 1 else t for t in typed]
    return fuzz.token_set_ratio(" ".join(expanded), " ".join(words))


def match_payee(session: Session, customer_id: int, text: str) -> PayeeMatch:
    """Fuzzy-match a typed name against the customer's payees ("mum" -> Mum, "J Wilson" -> James Wilson)."""
    wanted = " ".join(_FILLER.sub(" ", text or "").split())
    payees = list_payees(session, customer_id)
    if not utils.default_process(wanted) or not payees:
        return PayeeMatch()
    exact = [p for p in payees if utils.default_process(p.name) == utils.default_process(wanted)]
    if len(exact) == 1:
        return PayeeMatch(payee=exact[0])
    own = _own_account_payee(session, payees, wanted)
    if own is not None:
        return PayeeMatch(payee=own)
    scored = sorted(((name_score(wanted, p.name), p) for p in payees), key=lambda item: (-item[0], item[1].name))
    good = [(payee, score) for score, payee in scored if score >= POSSIBLE]
    if not good:
        return PayeeMatch()
    best, best_score = good[0]
    runner_up = good[1][1] if len(good) > 1 else 0
    if best_score >= CONFIDENT and best_score - runner_up >= MARGIN:
        return PayeeMatch(payee=best)
    return PayeeMatch(candidates=[payee for payee, _score in good[:MOST_CANDIDATES]])


def _own_account_payee(session: Session, payees: list[Payee], wanted: str) -> Payee | None:
    """The payee for the customer's own account of the kind they named ("savings"), if they have one."""
    try:
        kind = kind_from_text(wanted)
    except AccountNotFound:
        return None
    internal = [p for p in payees if p.account_id is not None]
    matches = [p for p in internal if (account := session.get(Account, p.account_id)) and account.kind == kind]
    return matches[0] if len(matches) == 1 else None
