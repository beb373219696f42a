"""The hidden ground truth: labels for every customer, and behaviours that show up in the records."""

from __future__ import annotations

from datetime import date

from assistant.seed.generator import generate_customer
from assistant.seed.outcomes import HORIZON_DAYS, draw_behaviour, months_back, outcome_rng

AS_OF = date(2026, 11, 20)
NUMBERS = range(4, 124)


def _behaviour(number: int):
    rows = generate_customer(number, 7, AS_OF)
    age = (AS_OF - rows.customer["birth_date"]).days // 365
    return rows, draw_behaviour(outcome_rng(7, number), age, False, any(a["kind"] == "credit_card"
                                                                        for a in rows.accounts))


def test_every_customer_has_one_outcome_over_the_horizon() -> None:
    outcomes = [generate_customer(n, 7, AS_OF).outcome for n in range(1, 30)]
    assert all(len(o) == 1 and o[0]["horizon_days"] == HORIZON_DAYS and o[0]["as_of"] == AS_OF for o in outcomes)


def test_the_next_product_is_never_one_already_held_and_churners_take_up_nothing() -> None:
    clashes = []
    for number in NUMBERS:
        rows = generate_customer(number, 7, AS_OF)
        outcome = rows.outcome[0]
        held = {h["product_code"] for h in rows.holdings}
        if outcome["next_product"] in held or (outcome["churned"] and outcome["next_product"] is not None):
            clashes.append(number)
    assert clashes == []


def test_some_customers_churn_and_many_take_up_a_product() -> None:
    outcomes = [generate_customer(n, 7, AS_OF).outcome[0] for n in NUMBERS]
    churned = sum(o["churned"] for o in outcomes) / len(outcomes)
    adopted = sum(o["next_product"] is not None for o in outcomes) / len(outcomes)
    assert 0.05 <= churned <= 0.35 and adopted >= 0.3


def test_pay_that_moved_to_another_bank_stops_arriving() -> None:
    checked = []
    for number in NUMBERS:
        rows, behaviour = _behaviour(number)
        if behaviour.pay_stops_months:
            since = months_back(AS_OF, behaviour.pay_stops_months)
            checked.append(not any(t["category"] == "salary" and t["booked_at"].date() > since
                                   for t in rows.transactions))
    assert checked and all(checked)


def test_money_moved_out_goes_to_the_customers_own_name() -> None:
    checked = []
    for number in NUMBERS:
        rows, behaviour = _behaviour(number)
        moved = [t for t in rows.transactions if t["merchant"] == rows.customer["full_name"]]
        checked.append(bool(moved) == (behaviour.moved_out_share > 0))
    assert checked and all(checked)


def test_sign_ins_fall_over_the_last_three_months_for_a_customer_drifting_away() -> None:
    for number in NUMBERS:
        rows, behaviour = _behaviour(number)
        if behaviour.login_fall > 0.8 and behaviour.usual_logins > 15:
            logins = [a["logins"] for a in rows.activity]
            assert sum(logins[-3:]) < 0.7 * sum(logins[-6:-3])
            return
    raise AssertionError("no customer drifting away among those checked")


def test_everyday_customers_paying_by_debit_card_abroad_are_charged_foreign_fees() -> None:
    rows = next(r for r in (generate_customer(n, 7, AS_OF) for n in NUMBERS)
                if any(t["country"] != "GB" and t["account_id"] == r.accounts[0]["id"] for t in r.transactions)
                and r.accounts[0]["product_code"] == "everyday_current")
    fees = [t for t in rows.transactions if t["description"] == "Non-sterling transaction fees"]
    assert fees and all(t["amount_minor"] < 0 and t["merchant"] == "Lumen Bank" for t in fees)


def test_demo_customers_show_no_churn_behaviour() -> None:
    for number in (1, 2, 3):
        rows = generate_customer(number, 7, AS_OF)
        assert rows.complaints == [] and not any(t["merchant"] == rows.customer["full_name"]
                                                 for t in rows.transactions)
