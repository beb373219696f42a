"""Support articles (transfers, cards, adding money, disputes, security) quote the catalogue's numbers exactly."""

from __future__ import annotations

import pytest

from assistant.bank.catalogue import (
    CARD_CHECK_AMOUNT,
    CARD_DELIVERY_WORKING_DAYS,
    FASTER_PAYMENTS_MAX_HOURS,
    FEES,
    IDENTITY_REVIEW_WORKING_DAYS,
    INTERNATIONAL_TRANSFER_WORKING_DAYS,
    LIMITS,
    REFUND_WORKING_DAYS,
    RENEWAL_CARD_WEEKS_BEFORE_EXPIRY,
    RETURNED_TRANSFER_WORKING_DAYS,
    SORT_CODE,
    SOURCE_OF_FUNDS_REVIEW_WORKING_DAYS,
    SUPPORT_PHONE,
    UNCOLLECTED_HOLD_RELEASE_DAYS,
)
from assistant.knowledge.articles import Article, load_articles


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {article.id: article for article in load_articles()}


def test_declined_transfer_quotes_the_daily_and_single_payment_limits(articles: dict[str, Article]) -> None:
    answer = articles["declined-transfer"].answer
    assert (f"£{LIMITS.daily_transfer:,}" in answer, f"£{LIMITS.single_transfer:,}" in answer) == (True, True)


def test_failed_transfer_says_when_returned_money_is_back(articles: dict[str, Article]) -> None:
    assert f"within {RETURNED_TRANSFER_WORKING_DAYS} working days" in articles["failed-transfer"].answer


def test_pending_transfer_quotes_uk_and_international_transfer_times(articles: dict[str, Article]) -> None:
    low, high = INTERNATIONAL_TRANSFER_WORKING_DAYS
    answer = articles["pending-transfer"].answer
    assert (f"within {FASTER_PAYMENTS_MAX_HOURS} hours" in answer, f"{low} to {high} working days" in answer) == (
        True, True)


def test_transfer_fee_quotes_the_international_fee_and_free_uk_transfers(articles: dict[str, Article]) -> None:
    answer = articles["transfer-fee"].answer
    assert (f"£{FEES.international_transfer_fee}" in answer, FEES.uk_transfer_fee == 0 and "free" in answer) == (
        True, True)


def test_transfer_fee_quotes_the_fee_on_money_received_by_swift(articles: dict[str, Article]) -> None:
    assert f"£{FEES.incoming_swift_fee}" in articles["transfer-fee"].body


def test_receiving_money_gives_the_banks_sort_code(articles: dict[str, Article]) -> None:
    assert SORT_CODE in articles["receiving-money"].answer


def test_receiving_money_quotes_the_swift_receiving_fee(articles: dict[str, Article]) -> None:
    assert f"£{FEES.incoming_swift_fee} per payment received" in articles["receiving-money"].body


def test_transfer_into_account_quotes_the_sort_code_and_arrival_time(articles: dict[str, Article]) -> None:
    answer = articles["transfer-into-account"].answer
    assert (SORT_CODE in answer, f"within {FASTER_PAYMENTS_MAX_HOURS} hours" in answer) == (True, True)


def test_incoming_transfer_not_showing_quotes_uk_and_international_times(articles: dict[str, Article]) -> None:
    low, high = INTERNATIONAL_TRANSFER_WORKING_DAYS
    answer = articles["incoming-transfer-not-showing"].answer
    assert (f"within {FASTER_PAYMENTS_MAX_HOURS} hours" in answer, f"{low} to {high} working days" in answer) == (
        True, True)


def test_refund_not_showing_quotes_how_long_refunds_take(articles: dict[str, Article]) -> None:
    low, high = REFUND_WORKING_DAYS
    assert f"{low} to {high} working days" in articles["refund-not-showing"].answer


def test_charged_twice_says_when_an_uncollected_payment_is_released(articles: dict[str, Article]) -> None:
    assert f"within {UNCOLLECTED_HOLD_RELEASE_DAYS} days" in articles["charged-twice"].answer


def test_reverted_card_payment_says_when_an_uncollected_payment_is_released(articles: dict[str, Article]) -> None:
    assert f"within {UNCOLLECTED_HOLD_RELEASE_DAYS} days" in articles["reverted-card-payment"].body


def test_source_of_funds_quotes_the_review_time(articles: dict[str, Article]) -> None:
    assert f"within {SOURCE_OF_FUNDS_REVIEW_WORKING_DAYS} working days" in articles["source-of-funds"].answer


def test_declined_cash_withdrawal_quotes_the_daily_cash_limit_and_pin_tries(articles: dict[str, Article]) -> None:
    answer = articles["declined-cash-withdrawal"].answer
    assert (f"£{LIMITS.daily_atm_withdrawal:,}" in answer,
            f"{LIMITS.wrong_pin_attempts} wrong PIN attempts" in answer) == (True, True)


@pytest.mark.parametrize("article_id", ["lost-or-stolen-phone", "forgotten-passcode", "declined-transfer"])
def test_articles_that_say_call_us_give_the_support_number(articles: dict[str, Article], article_id: str) -> None:
    assert SUPPORT_PHONE in articles[article_id].body


def test_verify_card_top_up_quotes_the_card_check_amount(articles: dict[str, Article]) -> None:
    assert f"temporary £{CARD_CHECK_AMOUNT} check" in articles["verify-card-top-up"].answer


def test_spare_card_quotes_how_many_spare_cards_and_their_fee(articles: dict[str, Article]) -> None:
    answer = articles["spare-card"].answer
    assert (f"up to {LIMITS.spare_cards} spare" in answer, f"£{FEES.spare_card_fee} each" in answer) == (True, True)


def test_add_cash_or_cheque_quotes_the_daily_cash_limit_and_free_deposits(articles: dict[str, Article]) -> None:
    answer = articles["add-cash-or-cheque"].answer
    assert (f"£{LIMITS.cash_deposit_daily:,} a day" in answer,
            FEES.cash_or_cheque_deposit_fee == 0 and "free" in answer) == (True, True)


def test_order_physical_card_quotes_delivery_times_and_the_express_fee(articles: dict[str, Article]) -> None:
    low, high = CARD_DELIVERY_WORKING_DAYS
    answer = articles["order-physical-card"].answer
    assert (f"{low} to {high} working days" in answer, f"£{FEES.express_card_delivery_fee}" in answer,
            FEES.physical_card_fee == 0 and "free" in answer) == (True, True, True)


def test_disposable_virtual_card_quotes_how_many_payments_it_makes(articles: dict[str, Article]) -> None:
    answer = articles["disposable-virtual-card"].answer
    assert (f"works for {LIMITS.disposable_card_payments} payment" in answer,
            FEES.virtual_card_fee == 0 and "free" in answer) == (True, True)


def test_virtual_card_not_working_quotes_how_many_payments_a_disposable_card_makes(
        articles: dict[str, Article]) -> None:
    assert f"works for {LIMITS.disposable_card_payments} payment" in articles["virtual-card-not-working"].answer


def test_card_top_up_failed_quotes_the_daily_card_limit_and_balance_cap(articles: dict[str, Article]) -> None:
    answer = articles["card-top-up-failed"].answer
    assert (f"£{LIMITS.top_up_by_card_daily:,}" in answer, f"£{LIMITS.top_up_max_balance:,}" in answer) == (
        True, True)


def test_card_top_up_fee_says_card_top_ups_are_free_and_quotes_the_daily_limit(
        articles: dict[str, Article]) -> None:
    answer = articles["card-top-up-fee"].answer
    assert (FEES.top_up_by_card_percent == 0 and "free" in answer,
            f"£{LIMITS.top_up_by_card_daily:,} a day" in answer) == (True, True)


def test_currency_exchange_fee_quotes_the_in_app_exchange_fee(articles: dict[str, Article]) -> None:
    assert f"{FEES.app_exchange_percent}%" in articles["currency-exchange-fee"].answer


def test_cash_withdrawal_fee_quotes_the_fee_abroad_and_premiers_free_allowance(articles: dict[str, Article]) -> None:
    answer = articles["cash-withdrawal-fee"].answer
    assert (f"£{FEES.atm_abroad_fee} per withdrawal" in answer, f"{FEES.foreign_transaction_percent}%" in answer,
            f"£{LIMITS.free_atm_abroad_per_month:,} a month" in answer) == (True, True, True)


def test_cash_withdrawal_exchange_rate_quotes_the_fees_abroad(articles: dict[str, Article]) -> None:
    body = articles["cash-withdrawal-exchange-rate"].body
    assert (f"£{FEES.atm_abroad_fee}" in body, f"{FEES.foreign_transaction_percent}%" in body) == (True, True)


def test_card_about_to_expire_says_when_the_renewal_card_is_posted(articles: dict[str, Article]) -> None:
    answer = articles["card-about-to-expire"].answer
    assert (f"{RENEWAL_CARD_WEEKS_BEFORE_EXPIRY} weeks before" in answer,
            FEES.physical_card_fee == 0 and "free of charge" in answer) == (True, True)


def test_verify_identity_quotes_the_manual_review_time(articles: dict[str, Article]) -> None:
    assert f"within {IDENTITY_REVIEW_WORKING_DAYS} working days" in articles["verify-identity"].answer
