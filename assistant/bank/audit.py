"""The audit trail: who did what to which record, written in the same transaction as the change."""

from __future__ import annotations

import getpass
from typing import Any

from sqlmodel import Session, select

from assistant.bank.models import AuditLog
from assistant.db import utcnow


def record(session: Session, actor: str, action: str, entity: str, entity_id: object, **details: Any) -> AuditLog:
    """Add an audit entry to the session (committed with the change it describes)."""
    entry = AuditLog(at=utcnow(), actor=actor, action=action, entity=entity, entity_id=str(entity_id), details=details)
    session.add(entry)
    return entry


def customer_actor(customer_id: int) -> str:
    """The actor name for something a customer did through the assistant."""
    return f"customer:{customer_id}"


def agent_actor(agent_id: int) -> str:
    """The actor name for something a support agent did."""
    return f"agent:{agent_id}"


def operator_actor() -> str:
    """The actor name for a command the bank's staff ran (the operating-system user who ran it)."""
    try:
        return f"operator:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name for this uid (some containers)
        return "operator:unknown"


def entries_for(session: Session, entity: str, entity_id: object) -> list[AuditLog]:
    """Audit entries about one record, oldest first."""
    statement = (
        select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
        .order_by(AuditLog.at, AuditLog.id)
    )
    return list(session.exec(statement))
