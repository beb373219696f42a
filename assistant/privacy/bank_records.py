"""What the bank database holds about one customer, read as JSON and erased table by table.

The customer's tables are found, not listed: every table with a `customer_id` column (so a new one cannot be
left out), plus the rows that hang off them without one (notes on their tickets, their alerts' deliveries, the
audit entries about their records). `ERASURE` says for each table what erasing does, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Table, delete, or_, select, update
from sqlmodel import Session, SQLModel

from assistant.db import register_tables

ERASED = "erased"


class UnknownCustomer(LookupError):
    """The bank has no customer with this id."""


@dataclass(frozen=True)
class Erasure:
    """What erasing does to one table's rows about the customer: delete them, or keep them with these values."""

    anonymise: dict[str, Any] | None = None  # None: delete the rows

    @property
    def deletes(self) -> bool:
        """Whether the rows go."""
        return self.anonymise is None


DELETE = Erasure()
KEEP = Erasure({})

# Money records stay: an account's balance is the sum of its transactions, a transfer moved money into someone
# else's account, and a bank must keep its records of transactions and contracts for years (UK Money Laundering
# Regulations: five). Deleting them would break the ledger and the law, so they are kept with what identifies a
# person (names, free text, third parties' account details) replaced; the ids they hang on stay.
ERASURE: dict[str, Erasure] = {
    "customer": Erasure({"full_name": ERASED, "email": None, "birth_date": date(1900, 1, 1), "city": "",
                         "home_country": ""}),  # email: unique, so made per customer below
    "account": KEEP,                      # a ledger: its number and balance are the bank's, not the person's
    "card": KEEP,                         # only the last four digits, needed for the card's transactions
    "transaction": Erasure({"description": ""}),  # merchants of person-to-person payments: see _anonymise_payments
    "transfer": Erasure({"reference": ""}),
    "payee": Erasure({"name": ERASED, "sort_code": "00-00-00", "account_number": "00000000"}),  # a third party
    "recurringpayment": KEEP,             # a payment instruction to a business, part of the ledger's future
    "productholding": KEEP,               # the contract the bank must keep
    "dispute": KEEP,                      # a claim about money: part of the ledger's history
    "customeridentity": DELETE,           # their sign-ins no longer reach the customer
    "demopersona": DELETE,
    "complaint": DELETE,
    "appactivity": DELETE,
    "customeroutcome": DELETE,
    "alert": DELETE,                      # warnings, not money; with their answers and deliveries
    "alertanswer": DELETE,
    "proactivedelivery": DELETE,
    "handoffticket": DELETE,              # with the agents' notes and churn risks on them
    "offerevent": DELETE,
    "churnscore": DELETE,
    "feedinbox": DELETE,                  # a copy of a feed record; once applied, the transaction is the record
    "feeddeadletter": DELETE,
}


def customer_tables() -> list[Table]:
    """Every table of the bank database with a customer_id column."""
    register_tables()
    return [table for table in SQLModel.metadata.sorted_tables if "customer_id" in table.columns]


def _json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _rows(session: Session, statement: Any) -> list[dict[str, Any]]:
    return [{key: _json(value) for key, value in row._mapping.items()} for row in session.execute(statement)]


def _table(name: str) -> Table:
    register_tables()
    return SQLModel.metadata.tables[name]


def _ids(session: Session, name: str, customer_id: int) -> list[Any]:
    table = _table(name)
    return list(session.execute(select(table.c.id).where(table.c.customer_id == customer_id)).scalars())


def _children(session: Session, customer_id: int) -> dict[str, tuple[Table, Any]]:
    """Tables without a customer_id whose rows belong to the customer's rows, with the condition that finds them."""
    tickets, alerts = _ids(session, "handoffticket", customer_id), _ids(session, "alert", customer_id)
    note, risk, outbox = _table("agentnote"), _table("ticketchurnrisk"), _table("outboxmessage")
    return {"agentnote": (note, note.c.ticket_id.in_(tickets)),
            "ticketchurnrisk": (risk, risk.c.ticket_id.in_(tickets)),
            "outboxmessage": (outbox, outbox.c.alert_id.in_(alerts))}


def _audit_condition(session: Session, customer_id: int) -> Any:
    """The audit entries by the customer or about the customer and their records."""
    audit = _table("auditlog")
    about = [audit.c.actor == f"customer:{customer_id}",
             (audit.c.entity == "customer") & (audit.c.entity_id == str(customer_id))]
    for entity in ("account", "card", "transaction", "transfer", "dispute"):
        ids = [str(found) for found in _ids(session, entity, customer_id)]
        if ids:
            about.append((audit.c.entity == entity) & audit.c.entity_id.in_(ids))
    return or_(*about)


def require_customer(session: Session, customer_id: int) -> None:
    """UnknownCustomer unless the bank has this customer."""
    customer = _table("customer")
    if session.execute(select(customer.c.id).where(customer.c.id == customer_id)).first() is None:
        raise UnknownCustomer(f"there is no customer {customer_id}")


def export_bank_records(session: Session, customer_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the bank database holds about the customer, by table (the customer's own row under "customer")."""
    require_customer(session, customer_id)
    records = {"customer": _rows(session, select(_table("customer")).where(_table("customer").c.id == customer_id))}
    for table in customer_tables():
        records[table.name] = _rows(session, select(table).where(table.c.customer_id == customer_id))
    for name, (table, condition) in _children(session, customer_id).items():
        records[name] = _rows(session, select(table).where(condition))
    # The ledger's entries on their accounts: kept on erasure (money records), but theirs to see.
    ledger = _table("ledger_entry")
    records["ledger_entry"] = _rows(session, select(ledger).where(
        ledger.c.account_id.in_(_ids(session, "account", customer_id))).order_by(ledger.c.id))
    audit = _table("auditlog")
    records["auditlog"] = _rows(session, select(audit).where(_audit_condition(session, customer_id))
                                .order_by(audit.c.at, audit.c.id))
    return records


def _anonymise_payments(session: Session, customer_id: int) -> None:
    """A person-to-person payment names the other person as its merchant: that name goes too."""
    transaction = _table("transaction")
    session.execute(update(transaction).where(transaction.c.customer_id == customer_id,
                                              transaction.c.channel.in_(("transfer", "standing_order")))
                    .values(merchant=ERASED))


def _anonymise_identity_audit(session: Session, customer_id: int) -> None:
    """The audit trail keeps that a sign-in was linked and unlinked, not whose sign-in it was."""
    audit = _table("auditlog")
    linked = session.execute(select(audit.c.id, audit.c.details).where(
        audit.c.entity == "customer", audit.c.entity_id == str(customer_id),
        audit.c.action.in_(("identity.link", "identity.unlink")))).all()
    for entry_id, details in linked:
        session.execute(update(audit).where(audit.c.id == entry_id).values(details={**details, "subject": ERASED}))


def erase_bank_records(session: Session, customer_id: int) -> dict[str, int]:
    """Delete or anonymise every row about the customer as ERASURE says; rows changed, by table. Not committed."""
    require_customer(session, customer_id)
    counts: dict[str, int] = {}
    for name, (table, condition) in _children(session, customer_id).items():
        counts[name] = session.execute(delete(table).where(condition)).rowcount
    # Children before parents: the sorted tables list parents first.
    for table in reversed(customer_tables()):
        erasure = ERASURE[table.name]
        rows = table.c.customer_id == customer_id
        if erasure.deletes:
            counts[table.name] = session.execute(delete(table).where(rows)).rowcount
        elif erasure.anonymise:
            counts[table.name] = session.execute(update(table).where(rows).values(**erasure.anonymise)).rowcount
    _anonymise_payments(session, customer_id)
    _anonymise_identity_audit(session, customer_id)
    customer = _table("customer")
    values = {**ERASURE["customer"].anonymise, "email": f"erased-{customer_id}@erased.invalid"}
    counts["customer"] = session.execute(update(customer).where(customer.c.id == customer_id).values(**values)).rowcount
    return counts
