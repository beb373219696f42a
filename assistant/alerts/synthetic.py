"""Card histories straight from the seed generator, without a database (for measurement and the benchmark)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from assistant.alerts.features import CardPayment, is_card_payment
from assistant.seed.generator import CustomerRows, generate_customer


@dataclass(frozen=True)
class LabelledPayment:
    """A generated card payment and, when the generator planted it as unusual, why."""

    payment: CardPayment
    unusual: str | None


def card_payments(rows: CustomerRows) -> list[LabelledPayment]:
    """A generated customer's card payments, oldest first, with the generator's labels."""
    labels = {label["transaction_id"]: label["reason"] for label in rows.unusual}
    return [
        LabelledPayment(CardPayment(row["customer_id"], row["merchant"], row["category"], -row["amount_minor"],
                                    row["booked_at"], row["channel"], row["country"]), labels.get(row["id"]))
        for row in rows.transactions
        if is_card_payment(row["amount_minor"], row["channel"], row["card_id"])
    ]


def generated_customers(numbers: range, seed: int, as_of: date, unusual_rate: float) -> Iterator[CustomerRows]:
    """Generate customers one at a time (each is deterministic in its number, seed and as-of date)."""
    for number in numbers:
        yield generate_customer(number, seed, as_of, unusual_rate=unusual_rate)
