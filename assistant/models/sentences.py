"""Plain sentences for what a feature's value says about a customer, in the customer's own terms.

A sentence is only written when the value is worth saying (a fee actually paid, a balance that actually fell);
otherwise the feature gives no reason, however much it moved the score.
"""

from __future__ import annotations

from collections.abc import Callable

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def _count(value: float, noun: str) -> str:
    number = int(round(value))
    word = _WORDS[number] if 0 <= number < len(_WORDS) else str(number)
    return f"{word} {noun}{'' if number == 1 else 's'}"


def _money(value: float) -> str:
    return f"£{value:,.0f}"


def _balance_falling(v: float) -> str | None:
    return f"your balance has fallen for {_count(v, 'month')}" if v >= 2 else None


def _balance_change(v: float) -> str | None:
    return "your balance is lower than it was three months ago" if v < -0.25 else None


def _pay_months(v: float) -> str | None:
    if v >= 3:
        return None
    return "no income has been paid into your account for three months" if v == 0 else \
        f"your income was paid in during only {_count(v, 'month')} of the last three"


def _since_pay(v: float) -> str | None:
    return "your salary has not been paid into this account for over a month" if v >= 1 else None


def _irregular(v: float) -> str | None:
    return "your income arrives on different days and in different amounts" if v >= 3 else None


def _moved_out(v: float) -> str | None:
    return "you have been moving money to your own account at another bank" if v > 0.05 else None


def _spend(v: float) -> str | None:
    return "you have been spending more than comes in" if v > 1.1 else None


def _fees(v: float) -> str | None:
    return f"you paid {_money(v)} in fees and interest over the last three months" if v >= 5 else None


def _fx_fees(v: float) -> str | None:
    if v < 1:
        return None
    return "you pay foreign transaction fees every month" if v >= 10 else \
        f"you paid foreign transaction fees in {_count(v, 'month')} of the last year"


def _overdraft(v: float) -> str | None:
    return f"you paid overdraft interest in {_count(v, 'month')} of the last six" if v >= 1 else None


def _card_interest(v: float) -> str | None:
    return "you pay interest on a credit card balance you carry from month to month" if v >= 1 else None


def _abroad(v: float) -> str | None:
    return f"you made {int(v)} card payments abroad in the last year" if v >= 10 else None


def _travel(v: float) -> str | None:
    return "travel is a large part of your spending" if v >= 0.05 else None


def _savings(v: float) -> str | None:
    return f"you have {_money(v)} in savings" if v >= 3_000 else None


def _current(v: float) -> str | None:
    return f"you keep {_money(v)} in your current account" if v >= 3_000 else None


def _card_spend(v: float) -> str | None:
    return f"you spend about {_money(v)} a month by card" if v >= 600 else None


def _utilisation(v: float) -> str | None:
    return "you are using a large part of your credit card limit" if v >= 0.3 else None


def _login_change(v: float) -> str | None:
    return "you have been signing in much less often" if v < 0.7 else None


def _login_last_month(v: float) -> str | None:
    return "you signed in much less last month than you used to" if v < 0.6 else None


def _complaints_half_year(v: float) -> str | None:
    return f"you made {_count(v, 'complaint')} in the last six months" if v >= 2 else None


def _complaints(v: float) -> str | None:
    return "you made a complaint recently" if v == 1 else (
        f"you made {_count(v, 'complaint')} in the last three months" if v > 1 else None)


def _unresolved(v: float) -> str | None:
    return "a complaint of yours is still open" if v >= 1 else None


def _tenure(v: float) -> str | None:
    return "you joined us less than a year ago" if v < 1 else None


def _products(v: float) -> str | None:
    return "you hold only one product with us" if v <= 1 else None


def _no_savings(v: float) -> str | None:
    return "you do not have a savings account with us yet" if v == 0 else None


def _no_card(v: float) -> str | None:
    return "you do not have a credit card with us yet" if v == 0 else None


def _pay(v: float) -> str | None:
    return f"your income is about {_money(v)} a month" if v >= 4_000 else None


def _overdrawn(v: float) -> str | None:
    return f"your account was overdrawn at the end of {_count(v, 'month')} of the last three" if v >= 1 else None


# Age is deliberately absent: it may move a score, but it is never given to a customer as a reason.
SENTENCES: dict[str, Callable[[float], str | None]] = {
    "months_balance_falling": _balance_falling, "balance_change_3m": _balance_change,
    "pay_months_last_3": _pay_months, "months_since_pay": _since_pay, "pay_irregularity": _irregular,
    "moved_out_share": _moved_out, "spend_to_income": _spend, "fees_3m": _fees, "fx_fee_months": _fx_fees,
    "overdraft_interest_months": _overdraft, "card_interest_months": _card_interest, "payments_abroad": _abroad,
    "travel_share": _travel, "savings_balance": _savings, "current_balance": _current,
    "card_spend_monthly": _card_spend, "credit_utilisation": _utilisation, "login_change": _login_change,
    "login_change_last_month": _login_last_month, "complaints_180d": _complaints_half_year,
    "complaints_90d": _complaints, "complaints_unresolved": _unresolved, "tenure_years": _tenure,
    "products_held": _products, "holds_savings": _no_savings, "holds_credit_card": _no_card,
    "monthly_pay": _pay, "overdrawn_months_3": _overdrawn,
}


def sentence(feature: str, value: float) -> str | None:
    """The plain sentence for a feature's value, or None when there is nothing worth saying."""
    describe = SENTENCES.get(feature)
    return describe(value) if describe else None
