"""Articles quote the catalogue's fees, limits and times exactly, and no figure the catalogue lacks."""

from __future__ import annotations

import dataclasses
import functools
import re
from decimal import Decimal

from assistant.bank import catalogue
from assistant.bank.catalogue import (
    CARD_CHECK_AMOUNT,
    CARD_DELIVERY_WORKING_DAYS,
    CARD_TOP_UP_CHECK_HOURS,
    CASH_DEPOSIT_MAX_WORKING_DAYS,
    CASH_MACHINE_CLAIM_WORKING_DAYS,
    CASH_WITHDRAWAL_SETTLES_WORKING_DAYS,
    CHEQUE_CLEARING_WORKING_DAYS,
    CREDIT_CARD_NETWORK,
    CURRENCIES_HELD,
    DEBIT_CARD_NETWORK,
    EXPRESS_DELIVERY_WORKING_DAYS,
    FASTER_PAYMENTS_MAX_HOURS,
    FEES,
    IDENTITY_REVIEW_WORKING_DAYS,
    INTERNATIONAL_TRANSFER_WORKING_DAYS,
    LIMITS,
    PRODUCTS,
    REVERTED_TOP_UP_RETURN_WORKING_DAYS,
    TOP_UP_CARD_NETWORKS,
    UNCOLLECTED_HOLD_RELEASE_DAYS,
)
from assistant.knowledge.articles import Article, load_articles


@functools.cache
def _articles() -> dict[str, Article]:
    return {a.id: a for a in load_articles()}


def _answer(article_id: str) -> str:
    return _articles()[article_id].answer


def _body(article_id: str) -> str:
    return _articles()[article_id].body


def _days(span: tuple[int, int]) -> str:
    return f"{span[0]} to {span[1]} working days"


def test_the_small_extra_charge_is_quoted_at_the_catalogues_card_check_amount() -> None:
    assert f"£{CARD_CHECK_AMOUNT:,}" in _answer("extra-charge-on-statement")


def test_uncollected_pending_amounts_are_released_within_the_catalogues_days() -> None:
    phrase = f"within {UNCOLLECTED_HOLD_RELEASE_DAYS} days"
    assert [phrase in _answer(a) for a in ("extra-charge-on-statement", "pending-cash-withdrawal")] == [True, True]


def test_cash_withdrawals_settle_within_the_catalogues_working_days() -> None:
    assert f"{CASH_WITHDRAWAL_SETTLES_WORKING_DAYS} working days" in _answer("pending-cash-withdrawal")


def test_the_extra_charges_article_lists_every_fee_at_the_catalogues_amount() -> None:
    premier = next(p for p in PRODUCTS if p.code == "premier_current")
    quoted = [f"{FEES.foreign_transaction_percent}%", f"£{FEES.atm_abroad_fee:,}", f"{FEES.app_exchange_percent}%",
              f"£{FEES.international_transfer_fee:,}", f"£{FEES.incoming_swift_fee:,}",
              f"£{FEES.express_card_delivery_fee:,}", f"£{premier.monthly_fee:,}"]
    assert [fee for fee in quoted if fee not in _body("extra-charge-on-statement")] == []


def test_exchanging_in_the_app_costs_the_catalogues_percent() -> None:
    assert f"({FEES.app_exchange_percent}% on the Everyday" in _answer("exchange-currency-in-app")


def test_every_currency_the_catalogue_holds_is_named() -> None:
    assert [c for c in CURRENCIES_HELD if f"({c})" not in _answer("currencies-you-can-hold")] == []


def test_the_delivery_estimate_quotes_the_catalogues_standard_delivery_days() -> None:
    assert _days(CARD_DELIVERY_WORKING_DAYS) in _answer("card-delivery-estimate")


def test_the_delivery_estimate_quotes_the_catalogues_express_time_and_fee() -> None:
    express = f"within {EXPRESS_DELIVERY_WORKING_DAYS} working day for £{FEES.express_card_delivery_fee:,}"
    assert express in _answer("card-delivery-estimate")


def test_automatic_top_ups_range_over_the_catalogues_amounts() -> None:
    assert f"from £{LIMITS.auto_top_up_min:,} to £{LIMITS.auto_top_up_max:,}" in _answer("automatic-top-up")


def test_adding_money_by_card_is_called_free_only_while_the_catalogue_charges_nothing() -> None:
    said_free = ["no fee" in _answer(a) for a in ("automatic-top-up", "topping-up-by-card")]
    assert said_free == [FEES.top_up_by_card_percent == 0] * 2


def test_replacement_cards_are_called_free_only_while_the_catalogue_charges_nothing() -> None:
    said_free = ["free replacement" in _answer("compromised-card"),
                 "replacement is free" in _answer("card-not-working")]
    assert said_free == [FEES.card_replacement_fee == 0] * 2


def test_virtual_cards_are_called_free_only_while_the_catalogue_charges_nothing() -> None:
    assert ("it's free" in _answer("getting-virtual-card")) == (FEES.virtual_card_fee == 0)


def test_the_pin_blocks_after_the_catalogues_number_of_wrong_tries() -> None:
    assert f"After {LIMITS.wrong_pin_attempts} wrong tries in a row" in _answer("pin-blocked")


def test_contactless_asks_for_the_pin_after_the_catalogues_run_of_payments() -> None:
    assert f"After {LIMITS.contactless_payments_in_a_row} contactless payments" in _answer("contactless-not-working")


def test_contactless_quotes_the_catalogues_payment_limit() -> None:
    assert f"up to £{LIMITS.contactless_payment:,} each" in _answer("contactless-not-working")


def test_receiving_a_swift_payment_costs_the_catalogues_fee() -> None:
    assert f"cost £{FEES.incoming_swift_fee:,} each" in _answer("top-up-by-bank-transfer-charge")


def test_held_card_top_ups_finish_within_the_catalogues_hours() -> None:
    assert f"within {CARD_TOP_UP_CHECK_HOURS} hours" in _answer("pending-top-up")


def test_uk_transfers_arrive_within_the_catalogues_hours() -> None:
    phrase = f"within {FASTER_PAYMENTS_MAX_HOURS} hours"
    assert [phrase in _answer(a) for a in ("pending-top-up", "transfer-not-received-by-recipient")] == [True, True]


def test_international_transfers_take_the_catalogues_working_days() -> None:
    assert _days(INTERNATIONAL_TRANSFER_WORKING_DAYS) in _answer("transfer-not-received-by-recipient")


def test_top_up_limits_quote_the_catalogues_daily_card_limit() -> None:
    assert f"up to £{LIMITS.top_up_by_card_daily:,} a day by debit card" in _answer("top-up-limits")


def test_top_up_limits_quote_the_catalogues_daily_cash_limit() -> None:
    assert f"up to £{LIMITS.cash_deposit_daily:,} a day in cash" in _answer("top-up-limits")


def test_top_up_limits_quote_the_catalogues_maximum_balance() -> None:
    assert f"under £{LIMITS.top_up_max_balance:,}" in _answer("top-up-limits")


def test_cash_machine_claims_are_answered_within_the_catalogues_working_days() -> None:
    assert f"within {CASH_MACHINE_CLAIM_WORKING_DAYS} working days" in _answer("wrong-amount-of-cash-received")


def test_top_ups_accept_the_catalogues_card_networks() -> None:
    assert f"UK-issued {' or '.join(TOP_UP_CARD_NETWORKS)} debit card" in _answer("supported-cards-and-currencies")


def test_debit_and_credit_cards_are_on_the_catalogues_networks() -> None:
    answers = (_answer("visa-or-mastercard"), _answer("card-acceptance"))
    assert [DEBIT_CARD_NETWORK in a and CREDIT_CARD_NETWORK in a for a in answers] == [True, True]


def test_reverted_top_ups_return_within_the_catalogues_working_days() -> None:
    assert _days(REVERTED_TOP_UP_RETURN_WORKING_DAYS) in _answer("top-up-reverted")


def test_cheques_clear_within_the_catalogues_working_days() -> None:
    assert f"up to {CHEQUE_CLEARING_WORKING_DAYS} working days" in _answer("cheque-or-cash-deposit-not-showing")


def test_cash_deposits_arrive_within_the_catalogues_working_days() -> None:
    assert f"within {CASH_DEPOSIT_MAX_WORKING_DAYS} working day" in _answer("cheque-or-cash-deposit-not-showing")


def test_identity_reviews_finish_within_the_catalogues_working_days() -> None:
    assert f"within {IDENTITY_REVIEW_WORKING_DAYS} working days" in _answer("unable-to-verify-identity")


def test_disposable_cards_work_for_the_catalogues_number_of_payments() -> None:
    assert f"for just {LIMITS.disposable_card_payments} payment" in _answer("disposable-card-limits")


def test_disposable_cards_are_limited_to_the_catalogues_number_a_day() -> None:
    assert f"up to {LIMITS.disposable_cards_per_day} disposable cards a day" in _answer("disposable-card-limits")


def test_the_minimum_age_is_the_youngest_any_product_allows() -> None:
    assert f"{min(p.min_age for p in PRODUCTS)} or over" in _answer("age-limit")


def test_cash_machines_quote_the_catalogues_daily_withdrawal_limit() -> None:
    assert f"up to £{LIMITS.daily_atm_withdrawal:,} a day" in _answer("atm-support")


def test_cash_machines_abroad_cost_the_catalogues_fee() -> None:
    fee = f"costs £{FEES.atm_abroad_fee:,} plus the {FEES.foreign_transaction_percent}% foreign transaction fee"
    assert fee in _answer("atm-support")


def test_the_wrong_rate_article_quotes_the_catalogues_foreign_transaction_fee() -> None:
    assert f"{FEES.foreign_transaction_percent}% foreign transaction fee" in _answer("card-payment-wrong-exchange-rate")


def test_replacement_cards_arrive_in_the_catalogues_delivery_days() -> None:
    answers = (_answer("card-not-working"), _answer("compromised-card"))
    assert [_days(CARD_DELIVERY_WORKING_DAYS) in a for a in answers] == [True, True]


def test_premier_cash_machines_abroad_are_free_up_to_the_catalogues_monthly_amount() -> None:
    assert f"free up to £{LIMITS.free_atm_abroad_per_month:,} a month" in _answer("atm-support")


def _catalogue_figures() -> set[str]:
    """Every pound amount and percentage the catalogue defines, formatted as articles quote them."""
    numbers = [v for v in (*dataclasses.asdict(FEES).values(), *dataclasses.asdict(LIMITS).values(),
                           *vars(catalogue).values()) if isinstance(v, Decimal)]
    figures = {f"£{v:,}" for v in numbers} | {f"{v}%" for v in dataclasses.asdict(FEES).values()}
    for product in PRODUCTS:
        figures |= {f"£{product.monthly_fee:,}", f"£{product.min_income:,}", f"{product.rate_percent}%"}
        figures |= set(re.findall(r"£[\d,]+(?:\.\d\d)?|\d+(?:\.\d+)?%", product.description))
    return figures


def test_every_pound_amount_and_percentage_in_an_article_is_one_the_catalogue_defines() -> None:
    quoted = {(a.id, figure) for a in _articles().values()
              for figure in re.findall(r"£\d[\d,]*(?:\.\d\d)?|\d+(?:\.\d+)?%", a.body)}
    assert sorted((article, figure) for article, figure in quoted if figure not in _catalogue_figures()) == []
