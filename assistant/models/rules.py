"""Which products may be offered to a customer at all: never one they hold, only those they qualify for and suit."""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from sqlmodel import Session, select

from assistant.bank.catalogue import PRODUCTS, ProductSpec
from assistant.bank.eligibility import refusal
from assistant.bank.models import ProductHolding
from assistant.models.features import circumstances

CATALOGUE: dict[str, ProductSpec] = {product.code: product for product in PRODUCTS}
FIXED_SAVER_MINIMUM = 1_000  # pounds: the 1-Year Fixed Saver opens from £1,000


def held_products(session: Session, customer_ids: Sequence[int]) -> dict[int, set[str]]:
    """The products each customer holds now."""
    held: dict[int, set[str]] = defaultdict(set)
    for customer_id, code in session.exec(select(ProductHolding.customer_id, ProductHolding.product_code)
                                          .where(ProductHolding.customer_id.in_(list(customer_ids)),
                                                 ProductHolding.closed_at.is_(None))):
        held[customer_id].add(code)
    return held


def why_not(code: str, held: set[str], features: dict[str, float]) -> str | None:
    """Why a product may not be offered to this customer, as a sentence, or None when it may."""
    product = CATALOGUE[code]
    if code in held:
        return f"You already have the {product.name}."
    if product.kind == "current" and "premier_current" in held:
        return f"You already have our Premier Current Account, which includes everything the {product.name} does."
    if product.kind == "current" and code == "everyday_current":
        return "You already have a current account with us."
    problem = refusal(product, circumstances(features))
    if problem is not None:
        return problem
    if code == "fixed_saver_1y" and features["current_balance"] + features["savings_balance"] < FIXED_SAVER_MINIMUM:
        return "The 1-Year Fixed Saver opens from £1,000 you would not need for a year."
    return None


def allowed_products(held: set[str], features: dict[str, float], kind: str | None = None) -> list[str]:
    """Product codes that may be offered (optionally only of one kind: savings, credit_card, loan, current)."""
    return [code for code, product in CATALOGUE.items()
            if (kind is None or product.kind == kind) and why_not(code, held, features) is None]
