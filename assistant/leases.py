"""Claims with a lease on the rows of a work table (the alert outbox, the feed inbox): which worker may handle
which row, until when.

A worker claims a batch in one statement: an UPDATE of the claimable rows whose ids a materialized CTE picked
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers take disjoint batches without waiting on each other;
SQLite runs one writer at a time, so the same UPDATE is a conditional update there. A row whose lease ran out (its
worker died) is claimable again, so a killed worker's claims simply expire.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select


def worker_name() -> str:
    """A name no other running worker has: host, process and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def unleased(model: Any, now: datetime) -> Any:
    """The condition that no worker holds a live lease on a row of `model` (its lease is unset or ran out)."""
    return or_(col(model.lease_until).is_(None), col(model.lease_until) < now)


def claim(engine: Engine, model: Any, worker: str, now: datetime, lease: timedelta, limit: int, *pending: Any,
          **values: Any) -> list[int]:
    """Claim up to `limit` rows of `model` that match `pending` and hold no live lease, lowest id first, for
    `worker` until now + lease (setting `values` too, e.g. an attempt count); the ids claimed, in order.

    `model` has an integer `id`, a `claimed_by` and a `lease_until` column.
    """
    claimable = (*pending, unleased(model, now))
    # A materialized CTE runs once: PostgreSQL may re-run a plain `IN (subquery ... LIMIT)` for each row it
    # scans, and with SKIP LOCKED each run picks different rows, so one worker would claim far past the limit.
    picked = (select(model.id).where(*claimable).order_by(col(model.id)).limit(limit)
              .with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED"))
    statement = (update(model).where(col(model.id).in_(select(picked.c.id)), *claimable)
                 .values(claimed_by=worker, lease_until=now + lease, **values).returning(model.id))
    with Session(engine) as session:
        ids = sorted(session.execute(statement).scalars())
        session.commit()
    return ids
