"""Next best offer: the products a customer may be offered, ranked by the model, each with its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from assistant.bank.catalogue import PRODUCTS
from assistant.models.artefacts import TrainedModels
from assistant.models.contact import last_shown, may_contact, record_event
from assistant.models.rules import CATALOGUE, allowed_products, why_not
from assistant.models.scoring import (
    CustomerView,
    customer_view,
    models_or_current,
    product_reasons,
    product_scores,
)

PRODUCT_KINDS = tuple(sorted({product.kind for product in PRODUCTS}))
# Which products fit after which skill, for a well-timed suggestion nobody asked for.
RELATED_KINDS = {"spending": ("credit_card",), "transactions": ("credit_card",), "balance": ("savings",),
                 "bills": ("savings", "loan")}
QUALIFIES = "you qualify for it and do not have it yet"
# Words customers use for each kind of product, checked in this order ("credit card" before "card").
KIND_WORDS = (("credit_card", ("credit card", "card")), ("savings", ("saving", "saver", "isa")),
              ("loan", ("loan", "borrow")), ("current", ("current account", "bank account", "account")))


class UnknownProductKind(ValueError):
    """The kind of product asked for is not one the bank sells."""


class UnknownProduct(LookupError):
    """No product has that code."""


class NoOfferShown(LookupError):
    """The customer asked why about an offer, but none has been shown to them."""


def kind_from_words(text: str) -> str:
    """The kind of product a customer's words ask about ("which credit card suits me?" -> credit_card)."""
    lowered = text.lower()
    for kind, words in KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    raise UnknownProductKind(f"we could not tell which kind of product {text!r} means; "
                             "ask about a card, savings, a loan or an account")


@dataclass(frozen=True)
class Offer:
    """A product offered to a customer, how well it fits (model probability) and why, in plain sentences."""

    product_code: str
    product_name: str
    description: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OfferExplanation:
    """Why a product was (or would not be) offered to a customer."""

    product_code: str
    product_name: str
    offered: bool
    reasons: list[str]


def _offer(models: TrainedModels, view: CustomerView, code: str, score: float) -> Offer:
    product = CATALOGUE[code]
    said = [reason.sentence for reason in product_reasons(models, view, code)]
    return Offer(code, product.name, product.description, round(score, 4), said + [QUALIFIES])


def ranked_offers(models: TrainedModels, view: CustomerView, product_kind: str | None = None,
                  limit: int = 3) -> list[Offer]:
    """The best products the customer may be offered, best first (nothing held, nothing they do not qualify for)."""
    if product_kind is not None and product_kind not in PRODUCT_KINDS:
        raise UnknownProductKind(f"we do not sell products of the kind {product_kind!r}; "
                                 f"ask about one of: {', '.join(PRODUCT_KINDS)}")
    scores = product_scores(models, view)
    allowed = [code for code in allowed_products(view.held, view.features, product_kind) if code in scores]
    allowed.sort(key=lambda code: -scores[code])
    return [_offer(models, view, code, scores[code]) for code in allowed[:limit]]


def recommend(session: Session, customer_id: int, product_kind: str | None = None, *,
              models: TrainedModels | None = None, now: datetime | None = None, limit: int = 3) -> list[Offer]:
    """Offers for a customer who asked ("what would you recommend?"), recorded as shown; the caller commits."""
    models = models_or_current(models)
    offers = ranked_offers(models, customer_view(session, customer_id, now), product_kind, limit)
    for offer in offers:
        record_event(session, customer_id, offer.product_code, "shown", context="recommend", reasons=offer.reasons,
                     now=now)
    return offers


def suggest_after(session: Session, customer_id: int, skill: str, *, models: TrainedModels | None = None,
                  now: datetime | None = None, min_score: float = 0.3) -> Offer | None:
    """One well-timed offer after a related skill, if the contact policy allows one and a product fits well."""
    kinds = RELATED_KINDS.get(skill)
    if not kinds or not may_contact(session, customer_id, now):
        return None
    models = models_or_current(models)
    view = customer_view(session, customer_id, now)
    candidates = [offer for kind in kinds for offer in ranked_offers(models, view, kind, limit=1)]
    best = max(candidates, key=lambda offer: offer.score, default=None)
    if best is None or best.score < min_score:
        return None
    record_event(session, customer_id, best.product_code, "shown", unsolicited=True, context=f"after_{skill}",
                 reasons=best.reasons, now=now)
    return best


def explain_offer(session: Session, customer_id: int, product_code: str | None = None, *,
                  models: TrainedModels | None = None, now: datetime | None = None) -> OfferExplanation:
    """Why this offer? For a product (default: the last one shown to the customer): the model's reasons, or why
    it cannot be offered."""
    if product_code is None:
        shown = last_shown(session, customer_id)
        if shown is None:
            raise NoOfferShown(f"customer {customer_id} has not been shown an offer")
        product_code = shown.product_code
    if product_code not in CATALOGUE:
        raise UnknownProduct(f"there is no product {product_code!r}")
    product = CATALOGUE[product_code]
    view = customer_view(session, customer_id, now)
    refused = why_not(product_code, view.held, view.features)
    if refused is not None:
        return OfferExplanation(product_code, product.name, False, [refused])
    models = models_or_current(models)
    said = [reason.sentence for reason in product_reasons(models, view, product_code)]
    return OfferExplanation(product_code, product.name, True, said + [QUALIFIES])
