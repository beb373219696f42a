"""The two requests a customer may make about their data: a copy of everything held (export) and erasure."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.engine import Engine

from assistant.bank import audit
from assistant.db import session_scope
from assistant.privacy.bank_records import erase_bank_records, export_bank_records, require_customer
from assistant.privacy.conversations import erase_conversations, export_conversations


def export_customer(bank: Engine, tracker_store: Engine, customer_id: int, conversation_secret: str,
                    actor: str) -> dict[str, Any]:
    """Everything held about the customer, as JSON-ready data; the export itself is audited."""
    with session_scope(bank) as session:
        records = export_bank_records(session, customer_id)
        audit.record(session, actor, "customer.exported", "customer", customer_id)
    return {"customer_id": customer_id, "exported_at": datetime.now(timezone.utc).isoformat(),
            "bank": records, "conversations": export_conversations(tracker_store, customer_id, conversation_secret)}


def erase_customer(bank: Engine, tracker_store: Engine, customer_id: int, conversation_secret: str,
                   actor: str) -> dict[str, int]:
    """Erase the customer's conversations, then delete or anonymise their bank records with an audit row.

    The conversations go first: if the bank's part then fails, running the erasure again finishes it.
    """
    with session_scope(bank) as session:
        require_customer(session, customer_id)
    events = erase_conversations(tracker_store, customer_id, conversation_secret)
    with session_scope(bank) as session:
        counts = {**erase_bank_records(session, customer_id), "tracker_events": events}
        audit.record(session, actor, "customer.erased", "customer", customer_id,
                     **{name: count for name, count in counts.items() if count})
    return counts
