"""A customer's payment cards: choosing one, freezing, unfreezing and reporting it lost or stolen."""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from assistant.bank import audit
from assistant.bank.models import Card, CardStatus
from assistant.db import utcnow

CARD_ACTIONS = ("freeze", "unfreeze", "report_lost", "report_stolen")
LIVE_STATUSES = (CardStatus.active, CardStatus.frozen)
REPLACEMENT_VALID_YEARS = 3


class CardNotFound(LookupError):
    """The customer has no card matching what they asked for."""


class CardChoiceNeeded(LookupError):
    """More than one card fits; the customer has to say which."""

    def __init__(self, cards: list[Card]) -> None:
        super().__init__("more than one card fits: " + ", ".join(describe_card(card) for card in cards))
        self.cards = cards


class InvalidCardTransition(ValueError):
    """The card cannot go from its current status to the one asked for."""


@dataclass(frozen=True)
class CardReport:
    """A card reported lost or stolen and the replacement ordered for it."""

    cancelled: Card
    replacement: Card


def describe_card(card: Card) -> str:
    """How a card is named to the customer: 'debit card ending 4001'."""
    return f"{card.kind} card ending {card.last4}"


def list_cards(session: Session, customer_id: int) -> list[Card]:
    """All of the customer's cards, live ones first."""
    cards = session.exec(select(Card).where(Card.customer_id == customer_id).order_by(Card.id)).all()
    return sorted(cards, key=lambda card: CardStatus(card.status) not in LIVE_STATUSES)


def get_card(session: Session, customer_id: int, card_id: int) -> Card:
    """One of the customer's cards by id; CardNotFound for anyone else's."""
    card = session.get(Card, card_id)
    if card is None or card.customer_id != customer_id:
        raise CardNotFound("no such card")
    return card


def _action_fits(card: Card, action: str) -> bool:
    status = CardStatus(card.status)
    if action == "freeze":
        return status == CardStatus.active
    if action == "unfreeze":
        return status == CardStatus.frozen
    return status in LIVE_STATUSES


def choose_card(session: Session, customer_id: int, action: str, kind: str | None = None) -> Card:
    """The card an action is about: the live card of the kind named, or else the only card it fits."""
    live = [card for card in list_cards(session, customer_id) if CardStatus(card.status) in LIVE_STATUSES]
    if kind:
        wanted = kind.strip().lower().removesuffix(" card")
        live = [card for card in live if card.kind == wanted]
        if not live:
            raise CardNotFound(f"no {wanted} card")
    if not live:
        raise CardNotFound("no cards that can be changed")
    fitting = [card for card in live if _action_fits(card, action)]
    if len(fitting) == 1:
        return fitting[0]
    if len(live) == 1:
        return live[0]  # The action will say why it cannot be done to this card.
    raise CardChoiceNeeded(fitting or live)


def ensure_allowed(card: Card, action: str) -> None:
    """Raise InvalidCardTransition, saying why, if the action cannot be done to the card as it is."""
    if action not in CARD_ACTIONS:
        raise ValueError(f"unknown card action {action!r}")
    if _action_fits(card, action):
        return
    status = CardStatus(card.status)
    if status == CardStatus.frozen and action == "freeze":
        raise InvalidCardTransition(f"your {describe_card(card)} is already frozen")
    if status == CardStatus.active and action == "unfreeze":
        raise InvalidCardTransition(f"your {describe_card(card)} is not frozen")
    raise InvalidCardTransition(f"your {describe_card(card)} has been cancelled ({status.value}), so it cannot be changed")


def _set_status(session: Session, customer_id: int, card: Card, status: CardStatus, action: str, **details) -> None:
    previous = CardStatus(card.status)
    card.status = status
    session.add(card)
    audit.record(session, audit.customer_actor(customer_id), action, "card", card.id,
                 from_status=previous.value, to_status=status.value, **details)


def freeze_card(session: Session, customer_id: int, card_id: int) -> Card:
    """Freeze an active card so no payment goes through until it is unfrozen."""
    card = get_card(session, customer_id, card_id)
    ensure_allowed(card, "freeze")
    _set_status(session, customer_id, card, CardStatus.frozen, "card.freeze")
    session.flush()
    return card


def unfreeze_card(session: Session, customer_id: int, card_id: int) -> Card:
    """Unfreeze a frozen card so it works again."""
    card = get_card(session, customer_id, card_id)
    ensure_allowed(card, "unfreeze")
    _set_status(session, customer_id, card, CardStatus.active, "card.unfreeze")
    session.flush()
    return card


def _new_last4(session: Session, customer_id: int) -> str:
    taken = {card.last4 for card in list_cards(session, customer_id)}
    while True:
        last4 = f"{secrets.randbelow(10_000):04d}"
        if last4 not in taken:
            return last4


def _replacement_expiry(today: date) -> date:
    year = today.year + REPLACEMENT_VALID_YEARS
    return date(year, today.month, calendar.monthrange(year, today.month)[1])


def report_card(session: Session, customer_id: int, card_id: int, reason: str, as_of: datetime | None = None) -> CardReport:
    """Cancel a lost or stolen card for good and order a replacement with a new number."""
    status = {"lost": CardStatus.lost, "stolen": CardStatus.stolen}.get(reason.strip().lower())
    if status is None:
        raise ValueError(f"a card is reported 'lost' or 'stolen', not {reason!r}")
    card = get_card(session, customer_id, card_id)
    ensure_allowed(card, f"report_{status.value}")
    today = (as_of or utcnow()).date()
    replacement = Card(customer_id=customer_id, account_id=card.account_id, kind=card.kind, network=card.network,
                       last4=_new_last4(session, customer_id), expires_on=_replacement_expiry(today))
    session.add(replacement)
    session.flush()
    card.replaced_by_id = replacement.id
    _set_status(session, customer_id, card, status, f"card.report_{status.value}", replaced_by_id=replacement.id)
    audit.record(session, audit.customer_actor(customer_id), "card.issue_replacement", "card", replacement.id,
                 replaces_id=card.id)
    session.flush()
    return CardReport(cancelled=card, replacement=replacement)


def perform_card_action(session: Session, customer_id: int, card_id: int, action: str) -> Card | CardReport:
    """Do one of CARD_ACTIONS to one of the customer's cards."""
    if action == "freeze":
        return freeze_card(session, customer_id, card_id)
    if action == "unfreeze":
        return unfreeze_card(session, customer_id, card_id)
    if action in ("report_lost", "report_stolen"):
        return report_card(session, customer_id, card_id, action.removeprefix("report_"))
    raise ValueError(f"unknown card action {action!r}")
