"""Who the gateway may sign in: customer lookups and the demo personas the embedded profile offers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.models import Customer, DemoPersona


@dataclass(frozen=True)
class CustomerSummary:
    """What the chat page may know about a customer: the id and the name to greet them by."""

    id: int
    name: str
    description: str = ""

    def as_json(self) -> dict[str, Any]:
        """The summary as the API returns it (no empty description)."""
        data = asdict(self)
        if not data["description"]:
            del data["description"]
        return data


def find_customer(engine: Engine, customer_id: int) -> CustomerSummary | None:
    """The customer with this id, or None."""
    with Session(engine) as session:
        customer = session.get(Customer, customer_id)
        return CustomerSummary(customer.id, customer.full_name) if customer else None


def demo_customers(engine: Engine) -> list[CustomerSummary]:
    """The customers the seeder marked as demo personas, by id."""
    with Session(engine) as session:
        rows = session.exec(select(Customer, DemoPersona).join(DemoPersona, DemoPersona.customer_id == Customer.id)
                            .order_by(Customer.id)).all()
        return [CustomerSummary(customer.id, customer.full_name, persona.description) for customer, persona in rows]


def find_demo_persona(engine: Engine, customer_id: int) -> CustomerSummary | None:
    """The demo persona with this customer id, or None for every other customer (demo sign-in serves personas only)."""
    with Session(engine) as session:
        row = session.exec(select(Customer, DemoPersona).join(DemoPersona, DemoPersona.customer_id == Customer.id)
                           .where(Customer.id == customer_id)).first()
        return CustomerSummary(row[0].id, row[0].full_name, row[1].description) if row else None
