"""Who the gateway may sign in: customer lookups and the demo personas offered by the embedded profile."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.models import Customer

DEMO_PERSONAS = 3


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


def _persona_fields(persona: Any) -> tuple[int | None, str]:
    """The id and description of one entry of DEMO_CUSTOMERS, whatever its shape (int, mapping or object)."""
    if isinstance(persona, int):
        return persona, ""
    get = persona.get if isinstance(persona, dict) else lambda key: getattr(persona, key, None)
    raw_id = get("id") if get("id") is not None else get("customer_id")
    description = get("description") or get("persona") or get("summary") or ""
    return (raw_id if isinstance(raw_id, int) else None), str(description)


def _declared_personas() -> list[tuple[int, str]]:
    """(id, description) of the personas the seed module declares; empty when it declares none."""
    try:
        module = importlib.import_module("assistant.seed.demo")
    except ImportError:
        return []
    personas: Iterable[Any] = getattr(module, "DEMO_CUSTOMERS", None) or []
    if isinstance(personas, dict):
        personas = [{"id": key, **value} if isinstance(value, dict) else key for key, value in personas.items()]
    declared = [_persona_fields(persona) for persona in personas]
    return [(persona_id, description) for persona_id, description in declared if persona_id is not None]


def demo_customers(engine: Engine) -> list[CustomerSummary]:
    """The demo personas with their names as stored, or the first customers by id when none are declared."""
    declared = dict(_declared_personas())
    with Session(engine) as session:
        if declared:
            rows = session.exec(select(Customer).where(Customer.id.in_(declared)).order_by(Customer.id)).all()
        else:
            rows = session.exec(select(Customer).order_by(Customer.id).limit(DEMO_PERSONAS)).all()
        return [CustomerSummary(row.id, row.full_name, declared.get(row.id, "")) for row in rows]
