"""Churn risk for the agent console, and the close-account flow: risk, its reasons and the best retention offer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session

from assistant.models.artefacts import TrainedModels
from assistant.models.contact import record_event
from assistant.models.explanations import Reason
from assistant.models.offers import ranked_offers
from assistant.models.scoring import CustomerView, churn_probability, churn_reasons, customer_view, models_or_current
from assistant.settings import get_settings

# What the bank says back to each reason a customer gives for leaving, before anything is offered.
REASON_REPLIES = {
    "fees": "I'm sorry the charges have added up. Let me look at what you have paid and what we can do about it.",
    "rates": "I understand: you want your money to earn more. Let me check what we could offer on your savings.",
    "service": "I'm sorry we have let you down. I'd like to put that right rather than lose you.",
    "moving": "Thanks for telling me. You can keep banking with us from anywhere with the app, but it's your choice.",
    "other": "Thanks for telling me why.",
}
STATED_REASONS = tuple(REASON_REPLIES)
HOW_TO_CLOSE = ("You can close your account in the app under Settings, then Close account, once any money is moved "
                "out and payments are switched; or someone from our team can do it with you.")
FEE_FEATURES = {"fees_3m", "fx_fee_months", "overdraft_interest_months", "card_interest_months"}
SERVICE_FEATURES = {"complaints_90d", "complaints_180d", "complaints_unresolved"}
SAVINGS_FEATURES = {"savings_balance", "current_balance"}
MIN_REFUND = 5.0  # pounds: smaller fee totals are not worth a refund offer


@dataclass(frozen=True)
class ChurnRisk:
    """How likely the customer is to leave, whether that counts as at risk, and why."""

    risk: float
    at_risk: bool
    reasons: list[str]
    features: list[str] = field(default_factory=list)  # the features behind the reasons, same order


@dataclass(frozen=True)
class RetentionOffer:
    """What the bank offers a customer who wants to leave, in one sentence, with the reasons it fits."""

    kind: str  # fee_refund | complaint_review | product
    title: str
    detail: str
    product_code: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionAnswer:
    """The close-account flow's answer: risk and reasons, an offer when at risk, and how to close anyway."""

    risk: ChurnRisk
    offer: RetentionOffer | None
    reply: str | None = None  # the answer to the reason the customer gave, if they gave one
    how_to_close: str = HOW_TO_CLOSE
    offer_person: bool = True


def _risk(models: TrainedModels, view: CustomerView) -> ChurnRisk:
    probability = churn_probability(models, view)
    found: list[Reason] = churn_reasons(models, view)
    return ChurnRisk(round(probability, 4), probability >= get_settings().churn_high_risk,
                     [reason.sentence for reason in found], [reason.feature for reason in found])


def churn_risk(session: Session, customer_id: int, *, models: TrainedModels | None = None,
               now: datetime | None = None) -> ChurnRisk:
    """The customer's churn risk and its reasons (for the agent console on a handed-off chat)."""
    return _risk(models_or_current(models), customer_view(session, customer_id, now))


def _fee_refund(view: CustomerView) -> RetentionOffer | None:
    fees = view.features["fees_3m"]
    if fees < MIN_REFUND:
        return None
    return RetentionOffer("fee_refund", f"A refund of the £{fees:,.2f} in fees and interest of the last three months",
                          "We would like to refund the fees and interest you paid over the last three months.")


def _complaint_review(view: CustomerView) -> RetentionOffer | None:
    if view.features["complaints_180d"] < 1:
        return None
    return RetentionOffer("complaint_review", "A senior case handler to put your complaint right today",
                          "A senior member of our team will call you today to resolve what went wrong.")


def _product(models: TrainedModels, view: CustomerView, kind: str | None = None) -> RetentionOffer | None:
    offers = ranked_offers(models, view, kind, limit=1)
    if not offers:
        return None
    best = offers[0]
    return RetentionOffer("product", best.product_name, best.description, best.product_code, best.reasons)


def best_retention_offer(models: TrainedModels, view: CustomerView, risk: ChurnRisk,
                         stated_reason: str | None = None) -> RetentionOffer | None:
    """The offer that answers what drives this customer's risk (or the reason they gave), else their best product."""
    drivers = set(risk.features)
    if stated_reason == "fees" or drivers & FEE_FEATURES:
        offer = _fee_refund(view)
        if offer is not None:
            return replace(offer, reasons=risk.reasons)
    if stated_reason == "service" or drivers & SERVICE_FEATURES:
        offer = _complaint_review(view)
        if offer is not None:
            return replace(offer, reasons=risk.reasons)
    if stated_reason == "rates" or drivers & SAVINGS_FEATURES:
        offer = _product(models, view, "savings")
        if offer is not None:
            return offer
    return _product(models, view)


def start_retention(session: Session, customer_id: int, stated_reason: str | None = None, *,
                    models: TrainedModels | None = None, now: datetime | None = None) -> RetentionAnswer:
    """"I want to close my account": the risk and why; a retention offer (recorded as shown) only when at risk."""
    if stated_reason is not None and stated_reason not in STATED_REASONS:
        raise ValueError(f"unknown reason for leaving {stated_reason!r}; one of: {', '.join(STATED_REASONS)}")
    models = models_or_current(models)
    view = customer_view(session, customer_id, now)
    risk = _risk(models, view)
    offer = best_retention_offer(models, view, risk, stated_reason) if risk.at_risk else None
    if offer is not None and offer.product_code is not None:
        record_event(session, customer_id, offer.product_code, "shown", context="retention", reasons=offer.reasons,
                     now=now)
    return RetentionAnswer(risk, offer, REASON_REPLIES.get(stated_reason) if stated_reason else None)
