"""One customer as the models see them: their features now, the products they hold, and the models' scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlmodel import Session

from assistant.bank.models import Customer
from assistant.db import utcnow
from assistant.models.artefacts import TrainedModels, current_models
from assistant.models.explanations import Reason, explain
from assistant.models.features import customer_features
from assistant.models.rules import held_products


class CustomerNotFound(LookupError):
    """There is no customer with that id."""


@dataclass(frozen=True)
class CustomerView:
    """A customer's feature values (as an array and by name) and the products they hold."""

    customer_id: int
    values: np.ndarray
    features: dict[str, float]
    held: set[str]


def customer_view(session: Session, customer_id: int, now: datetime | None = None) -> CustomerView:
    """The customer's features as of today (or `now`)."""
    if session.get(Customer, customer_id) is None:
        raise CustomerNotFound(f"no customer {customer_id}")
    table = customer_features(session, [customer_id], (now or utcnow()).date())
    values = table.values[0]
    return CustomerView(customer_id, values, table.row(customer_id),
                        held_products(session, [customer_id]).get(customer_id, set()))


def models_or_current(models: TrainedModels | None) -> TrainedModels:
    """The models given, or the process-wide trained ones."""
    return models if models is not None else current_models()


def churn_probability(models: TrainedModels, view: CustomerView) -> float:
    """The churn model's probability that the customer leaves within the horizon."""
    return float(models.churn.predict(view.values.reshape(1, -1))[0])


def churn_reasons(models: TrainedModels, view: CustomerView, top: int = 3) -> list[Reason]:
    """What pushes the customer's churn risk up, as reasons."""
    return explain(models.churn, view.values, top=top)


def product_scores(models: TrainedModels, view: CustomerView) -> dict[str, float]:
    """The next-product model's probability for each product it knows."""
    return dict(zip(models.products, models.next_product.predict(view.values.reshape(1, -1))[0].tolist()))


_SAVINGS = frozenset({"savings_balance", "current_balance", "holds_savings", "monthly_pay", "balance_change_3m"})
_CARD = frozenset({"card_spend_monthly", "holds_credit_card", "monthly_pay"})
# The facts that can justify each product to a customer: the model may lean on others, but only these are said.
PRODUCT_FACTS: dict[str, frozenset[str]] = {
    "easy_saver": _SAVINGS, "fixed_saver_1y": _SAVINGS, "cash_isa": _SAVINGS,
    "travel_card": _CARD | {"fx_fee_months", "payments_abroad", "travel_share"},
    "cashback_card": _CARD,
    "balance_transfer_card": _CARD | {"card_interest_months", "credit_utilisation", "fees_3m"},
    "personal_loan": frozenset({"overdraft_interest_months", "overdrawn_months_3", "fees_3m", "monthly_pay"}),
    "premier_current": frozenset({"monthly_pay", "fx_fee_months", "payments_abroad", "travel_share"}),
}


def product_reasons(models: TrainedModels, view: CustomerView, product_code: str, top: int = 3) -> list[Reason]:
    """What makes a product a good fit for the customer, according to the next-product model (only facts that
    bear on that product are given as reasons)."""
    if product_code not in models.products:
        return []
    return explain(models.next_product, view.values, models.products.index(product_code), top,
                   PRODUCT_FACTS.get(product_code))
