"""One synthetic customer: realistic, consistent history that depends only on the seed and the customer number."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from assistant.seed.demo import DEMO_CUSTOMERS
from assistant.seed.generator import generate_customer
from assistant.seed.outcomes import draw_behaviour, outcome_rng
from assistant.settings import get_settings

AS_OF = date(2026, 11, 20)


def _fingerprint(number: int, seed: int, as_of: date = AS_OF) -> str:
    return repr(vars(generate_customer(number, seed, as_of)))


def test_the_same_seed_gives_the_same_customer() -> None:
    assert _fingerprint(5, seed=7) == _fingerprint(5, seed=7)


def test_a_different_seed_gives_a_different_customer() -> None:
    assert _fingerprint(5, seed=7) != _fingerprint(5, seed=8)


def test_a_different_as_of_date_gives_a_different_customer() -> None:
    assert _fingerprint(5, seed=7) != _fingerprint(5, seed=7, as_of=date(2026, 11, 21))


def _steady_pay(number: int) -> bool:
    """Whether the customer's hidden behaviour keeps their pay regular and at this bank."""
    rows = generate_customer(number, 7, AS_OF)
    age = (AS_OF - rows.customer["birth_date"]).days // 365
    behaviour = draw_behaviour(outcome_rng(7, number), age, number <= 3, any(a["kind"] == "credit_card"
                                                                              for a in rows.accounts))
    return behaviour.pay_stops_months == 0 and not behaviour.irregular_pay


@pytest.mark.parametrize("number", [n for n in range(1, 31) if _steady_pay(n)])
def test_salary_arrives_every_month_for_a_year(number: int) -> None:
    paydays = sorted(t["booked_at"].date() for t in generate_customer(number, 7, AS_OF).transactions
                     if t["category"] == "salary")
    gaps = {(later - earlier).days for earlier, later in zip(paydays, paydays[1:])}
    assert len(paydays) >= 12 and min(gaps) >= 26 and max(gaps) <= 33


@pytest.mark.parametrize("number", range(1, 21))
def test_history_covers_thirteen_calendar_months(number: int) -> None:
    months = {(t["booked_at"].year, t["booked_at"].month) for t in generate_customer(number, 7, AS_OF).transactions}
    assert len(months) >= 13


def test_every_recurring_payment_falls_due_after_the_as_of_date() -> None:
    recurring = [r for n in range(1, 21) for r in generate_customer(n, 7, AS_OF).recurring]
    assert recurring and all(r["next_date"] > AS_OF for r in recurring)


def test_a_recurring_payment_was_paid_on_its_day_of_the_month_before() -> None:
    rows = generate_customer(2, 7, AS_OF)
    netflix_like = next(r for r in rows.recurring if r["kind"] == "subscription")
    paid_days = {t["booked_at"].day for t in rows.transactions if t["merchant"] == netflix_like["merchant"]}
    assert paid_days == {netflix_like["next_date"].day}


def test_rent_goes_out_by_standing_order_on_the_first() -> None:
    rows = generate_customer(1, 7, AS_OF)
    rent = [t for t in rows.transactions if t["category"] == "rent"]
    assert len(rent) >= 12 and {(t["booked_at"].day, t["channel"]) for t in rent} == {(1, "standing_order")}


@pytest.mark.parametrize("number", range(1, 21))
def test_closing_balances_equal_the_last_running_balance(number: int) -> None:
    rows = generate_customer(number, 7, AS_OF)
    last = {}
    for t in sorted(rows.transactions, key=lambda t: t["id"]):
        last[t["account_id"]] = t["balance_after_minor"]
    assert {a["id"]: a["balance_minor"] for a in rows.accounts if a["id"] in last} == last


@pytest.mark.parametrize("number", range(1, 21))
def test_credit_card_balances_stay_within_their_limit(number: int) -> None:
    rows = generate_customer(number, 7, AS_OF)
    limits = {a["id"]: a["credit_limit_minor"] for a in rows.accounts if a["kind"] == "credit_card"}
    assert all(-t["balance_after_minor"] <= limits[t["account_id"]] for t in rows.transactions
               if t["account_id"] in limits)


def test_salary_covers_outgoings_on_average() -> None:
    current = []
    for number in range(4, 24):
        rows = generate_customer(number, 7, AS_OF)
        current_id = next(a["id"] for a in rows.accounts if a["kind"] == "current")
        current += [t for t in rows.transactions if t["account_id"] == current_id]
    income = sum(t["amount_minor"] for t in current if t["amount_minor"] > 0)
    spent = -sum(t["amount_minor"] for t in current if t["amount_minor"] < 0)
    assert 0.8 <= spent / income <= 1.05


def test_customers_get_the_default_daily_transfer_limit() -> None:
    expected = int(get_settings().default_daily_transfer_limit * 100)
    assert generate_customer(9, 7, AS_OF).customer["daily_transfer_limit_minor"] == expected


def test_customers_are_adults_up_to_85() -> None:
    ages = [(AS_OF - generate_customer(n, 7, AS_OF).customer["birth_date"]).days / 365.25 for n in range(4, 60)]
    assert 18 <= min(ages) and max(ages) <= 85.1


def test_payments_abroad_are_in_another_country_with_the_local_amount_noted() -> None:
    abroad = [t for n in range(1, 11) for t in generate_customer(n, 7, AS_OF).transactions
              if t["country"] != "GB" and t["channel"] == "card_present"]
    assert abroad and all(t["description"].split(" ")[0] in {"EUR", "USD"} for t in abroad)


def test_the_internal_savings_payee_points_at_the_customers_savings_account() -> None:
    rows = generate_customer(1, 7, AS_OF)
    savings = next(a["id"] for a in rows.accounts if a["kind"] == "savings")
    assert [p["account_id"] for p in rows.payees if p["account_id"] is not None] == [savings]


def test_demo_customer_one_has_what_the_demos_rely_on() -> None:
    rows = generate_customer(1, 7, AS_OF)
    merchants = Counter(t["merchant"] for t in rows.transactions)
    evidence = (
        rows.customer["full_name"],
        sorted(a["name"] for a in rows.accounts),
        sorted((c["kind"], c["status"]) for c in rows.cards),
        {"Mum", "James Wilson", "Oakfield Lettings", "Easy Access Saver"} <= {p["name"] for p in rows.payees},
        merchants["Tesco"] >= 12 and merchants["Netflix"] >= 12 and merchants["Spotify"] >= 12,
        any(t["country"] != "GB" for t in rows.transactions),
    )
    assert evidence == ("Alex Morgan", ["Cashback Credit Card", "Easy Access Saver", "Everyday Current Account"],
                        [("credit", "active"), ("debit", "active")], True, True, True)


def test_unusual_purchases_are_labelled_when_the_rate_asks_for_them() -> None:
    rows = generate_customer(12, 7, AS_OF, unusual_rate=1.0)
    by_id = {t["id"]: t for t in rows.transactions}
    labelled = [by_id[u["transaction_id"]] for u in rows.unusual]
    assert 1 <= len(labelled) <= 3 and all(t["amount_minor"] < 0 and u["reason"] for t, u in zip(labelled, rows.unusual))


def test_no_unusual_purchases_are_planted_at_a_zero_rate() -> None:
    assert not any(generate_customer(n, 7, AS_OF, unusual_rate=0.0).unusual for n in range(4, 30))


def test_an_unusual_payment_abroad_is_in_a_country_the_customer_never_visits() -> None:
    checked = []
    for number in range(4, 40):
        rows = generate_customer(number, 7, AS_OF, unusual_rate=1.0)
        labelled = {u["transaction_id"] for u in rows.unusual if "country" in u["reason"]}
        ordinary = {t["country"] for t in rows.transactions if t["id"] not in labelled}
        checked += [t["country"] not in ordinary for t in rows.transactions if t["id"] in labelled]
    assert checked and all(checked)


def test_every_customer_has_two_to_four_payees_at_other_banks() -> None:
    counts = {len([p for p in generate_customer(n, 7, AS_OF).payees if p["account_id"] is None]) for n in range(1, 60)}
    assert counts == {2, 3, 4}


def test_only_customers_paid_enough_for_it_hold_the_premier_account() -> None:
    premier_pay, everyday_names = [], set()
    for number in range(4, 200):
        rows = generate_customer(number, 7, AS_OF)
        current = next(a for a in rows.accounts if a["kind"] == "current")
        if current["name"] == "Premier Current Account":
            premier_pay.append(max(t["amount_minor"] for t in rows.transactions if t["category"] == "salary"))
        else:
            everyday_names.add(current["name"])
    assert premier_pay and min(premier_pay) >= 440_000 and everyday_names == {"Everyday Current Account"}


@pytest.mark.parametrize("as_of", [date(2026, 11, 20), date(2027, 3, 2), date(2027, 8, 31)])
def test_demo_customers_have_comfortable_current_account_balances(as_of: date) -> None:
    balances = [next(a["balance_minor"] for a in generate_customer(n, 7, as_of).accounts if a["kind"] == "current")
                for n in (1, 2, 3)]
    assert min(balances) > 150_000


def test_current_accounts_never_overrun_their_arranged_overdraft() -> None:
    lowest = []
    for number in range(4, 300):
        rows = generate_customer(number, 7, AS_OF)
        current = next(a for a in rows.accounts if a["kind"] == "current")
        lowest.append(min(t["balance_after_minor"] + current["overdraft_limit_minor"] for t in rows.transactions
                          if t["account_id"] == current["id"]))
    assert min(lowest) >= 0


def test_demo_customers_are_paid_a_salary_by_their_own_employer() -> None:
    payers = set()
    for demo in DEMO_CUSTOMERS:
        payers |= {(t["merchant"], t["description"], t["amount_minor"])
                   for t in generate_customer(demo.id, 7, AS_OF).transactions if t["category"] == "salary"}
    assert payers == {(d.employer, "Salary", int(d.monthly_salary * 100)) for d in DEMO_CUSTOMERS}
