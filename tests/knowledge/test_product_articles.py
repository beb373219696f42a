"""Each product, every fee and every limit in the catalogue has an article that quotes it exactly."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from assistant.bank.catalogue import FEES, LIMITS, PRODUCTS, Fees, Limits, ProductSpec
from assistant.knowledge.articles import Article, load_articles

# The row each catalogue field is quoted on; a new fee or limit fails its test until the article lists it.
FEE_ROWS = {
    "foreign_transaction_percent": "Card payments in another currency (Everyday Current Account)",
    "atm_abroad_fee": "Cash withdrawal abroad (Everyday Current Account)",
    "international_transfer_fee": "International transfer you send by SWIFT",
    "express_card_delivery_fee": "Express card delivery",
    "top_up_by_card_percent": "Adding money with a debit card",
    "unarranged_overdraft_fee": "Going overdrawn without an arranged overdraft",
    "app_exchange_percent": "Exchanging between your balances in the app (Everyday Current Account)",
    "incoming_swift_fee": "International payment you receive by SWIFT",
    "card_replacement_fee": "Replacing a lost, stolen, damaged or compromised card",
    "virtual_card_fee": "Virtual and disposable virtual cards",
    "uk_transfer_fee": "UK transfers in and out, and between your own accounts",
    "sepa_transfer_fee": "Euro transfers to and from SEPA countries",
    "physical_card_fee": "Your first debit card, and renewals before it expires",
    "spare_card_fee": "Spare debit card, each",
    "cash_or_cheque_deposit_fee": "Paying in cash at a Post Office, or a cheque",
}
LIMIT_ROWS = {
    "daily_transfer": "Transfers out, in total each day",
    "single_transfer": "A single transfer",
    "daily_atm_withdrawal": "Cash machine withdrawals each day",
    "contactless_payment": "A single contactless card payment",
    "free_atm_abroad_per_month": "Free cash withdrawals abroad each month (Premier Current Account)",
    "disposable_card_payments": "Payments per disposable virtual card",
    "top_up_max_balance": "Balance up to which card, automatic and cash top-ups are accepted",
    "top_up_by_card_daily": "Adding money by debit card each day, automatic top-ups included",
    "cash_deposit_daily": "Cash paid in at a Post Office each day",
    "auto_top_up_min": "Smallest automatic top-up",
    "auto_top_up_max": "Largest automatic top-up",
    "contactless_payments_in_a_row": "Contactless payments in a row before chip and PIN is asked for",
    "wrong_pin_attempts": "Wrong PIN tries in a row before the PIN is blocked",
    "disposable_cards_per_day": "Disposable virtual cards you can create each day",
    "spare_cards": "Spare cards on one account",
}


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {article.id: article for article in load_articles()}


def _article_id(product: ProductSpec) -> str:
    return re.sub(r"[^a-z0-9]+", "-", product.name.lower()).strip("-")


def _table_rows(body: str) -> dict[str, str]:
    cells = (line.strip().strip("|").split("|") for line in body.splitlines() if line.startswith("|"))
    return {row[0].strip(): row[1].strip() for row in cells if len(row) == 2}


def _quoted_fee(name: str, value: Decimal) -> str:
    if value == 0:
        return "No fee"
    return f"{value}%" if name.endswith("_percent") else f"£{value:,}"


def _quoted_limit(value: Decimal | int) -> str:
    return f"£{value:,}" if isinstance(value, Decimal) else str(value)


def _monthly_fee(product: ProductSpec) -> str:
    return "no monthly fee" if product.monthly_fee == 0 else f"£{product.monthly_fee:,} a month"


def _min_income(product: ProductSpec) -> str:
    return "no minimum income" if product.min_income == 0 else f"£{product.min_income:,} a year before tax"


@pytest.mark.parametrize("product", PRODUCTS, ids=lambda p: p.code)
def test_each_product_has_an_article_named_after_it(articles: dict[str, Article], product: ProductSpec) -> None:
    assert articles[_article_id(product)].title == f"What is the {product.name}?"


@pytest.mark.parametrize("product", [p for p in PRODUCTS if p.rate_percent is not None], ids=lambda p: p.code)
def test_a_product_article_quotes_the_products_rate(articles: dict[str, Article], product: ProductSpec) -> None:
    assert f"{product.rate_percent}%" in articles[_article_id(product)].answer


@pytest.mark.parametrize("product", PRODUCTS, ids=lambda p: p.code)
def test_a_product_article_quotes_the_products_monthly_fee(articles: dict[str, Article], product: ProductSpec) -> None:
    assert _monthly_fee(product) in articles[_article_id(product)].answer


@pytest.mark.parametrize("product", PRODUCTS, ids=lambda p: p.code)
def test_a_product_article_quotes_the_minimum_age(articles: dict[str, Article], product: ProductSpec) -> None:
    assert f"{product.min_age} or over" in articles[_article_id(product)].answer


@pytest.mark.parametrize("product", PRODUCTS, ids=lambda p: p.code)
def test_a_product_article_quotes_the_minimum_income(articles: dict[str, Article], product: ProductSpec) -> None:
    assert _min_income(product) in articles[_article_id(product)].body


@pytest.mark.parametrize("product", PRODUCTS, ids=lambda p: p.code)
def test_a_product_article_says_how_to_apply_in_the_app(articles: dict[str, Article], product: ProductSpec) -> None:
    assert f"In the app go to Products, choose the {product.name}" in articles[_article_id(product)].body


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Fees)])
def test_the_fees_article_quotes_each_fee_on_its_row(articles: dict[str, Article], field: str) -> None:
    rows = _table_rows(articles["fees-and-charges"].body)
    assert rows.get(FEE_ROWS[field]) == _quoted_fee(field, getattr(FEES, field))


@pytest.mark.parametrize("product", [p for p in PRODUCTS if p.monthly_fee], ids=lambda p: p.code)
def test_the_fees_article_quotes_each_monthly_product_fee(articles: dict[str, Article], product: ProductSpec) -> None:
    rows = _table_rows(articles["fees-and-charges"].body)
    assert rows.get(f"{product.name} monthly fee") == f"£{product.monthly_fee:,}"


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Limits)])
def test_the_limits_article_quotes_each_limit_on_its_row(articles: dict[str, Article], field: str) -> None:
    rows = _table_rows(articles["account-limits"].body)
    assert rows.get(LIMIT_ROWS[field]) == _quoted_limit(getattr(LIMITS, field))


def test_the_limits_article_answer_quotes_the_transfer_cash_and_contactless_limits(
        articles: dict[str, Article]) -> None:
    answer = articles["account-limits"].answer
    quoted = [LIMITS.daily_transfer, LIMITS.single_transfer, LIMITS.daily_atm_withdrawal, LIMITS.contactless_payment]
    assert [value for value in quoted if f"£{value:,}" not in answer] == []
