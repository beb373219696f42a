"""A customer's recent alerts as a handoff ticket records them, so the agent sees what the bank warned about."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from assistant.alerts.services import recent_alerts as customer_alerts

DEFAULT_LIMIT = 5


def recent_alerts(session: Session, customer_id: int, limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """The customer's latest alerts, newest first, as JSON-ready dicts (with the customer's answer, if any)."""
    return [{"id": alert.id, "kind": alert.kind, "reason": alert.reason,
             "created_at": alert.created_at.isoformat(timespec="seconds"), "was_customer": alert.was_customer}
            for alert in customer_alerts(session, customer_id, limit)]
