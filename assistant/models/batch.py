"""Scoring every customer's churn risk, and raising proactive retention offers for those most at risk, throttled.

The offers go out through a `RetentionOutbox`: anything that can take a customer id and an offer (the alert
outbox, when it exists). Without one, offers are only recorded as queued, which still counts for the contact policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
from sqlmodel import Session, delete
from assistant.progress import progress_bar

from assistant.db import utcnow
from assistant.models.artefacts import TrainedModels
from assistant.models.contact import may_contact, record_event
from assistant.models.explanations import reasons as reasons_from
from assistant.models.features import customer_features
from assistant.models.records import ChurnScore
from assistant.models.retention import ChurnRisk, RetentionOffer, best_retention_offer
from assistant.models.rules import held_products
from assistant.models.scoring import CustomerView, models_or_current
from assistant.settings import get_settings


class RetentionOutbox(Protocol):
    """Where proactive retention offers are handed over for delivery."""

    def __call__(self, session: Session, customer_id: int, offer: RetentionOffer, risk: ChurnRisk) -> None:
        """Queue one offer for one customer in the same transaction as the rest of the run."""


@dataclass(frozen=True)
class BatchSummary:
    """What a scoring run did."""

    scored: int
    at_risk: int
    offers_queued: int
    skipped_by_contact_policy: int


def score_all(session: Session, *, models: TrainedModels | None = None, now: datetime | None = None,
              outbox: RetentionOutbox | None = None, limit: int | None = None, progress: bool = True) -> BatchSummary:
    """Score everyone, keep each score with its reasons, and queue retention offers for the riskiest customers
    (at most `limit`, default RETENTION_BATCH_LIMIT, and never against the contact policy). The caller commits."""
    models, now = models_or_current(models), now or utcnow()
    settings = get_settings()
    limit = settings.retention_batch_limit if limit is None else limit
    table = customer_features(session, as_of=now.date())
    risks = models.churn.predict(table.values)
    contributions = np.asarray(models.churn.predict(table.values, pred_contrib=True))[:, :-1]
    session.exec(delete(ChurnScore))
    found: dict[int, ChurnRisk] = {}
    for row, customer_id in enumerate(progress_bar(table.customer_ids, desc="scoring churn", enabled=progress)):
        said = reasons_from(table.values[row], contributions[row])
        risk = ChurnRisk(round(float(risks[row]), 4), bool(risks[row] >= settings.churn_high_risk),
                         [reason.sentence for reason in said], [reason.feature for reason in said])
        found[customer_id] = risk
        session.add(ChurnScore(customer_id=customer_id, risk=risk.risk, reasons=risk.reasons,
                               model_version=models.version, scored_at=now))
    at_risk = sorted((c for c, risk in found.items() if risk.at_risk), key=lambda c: -found[c].risk)
    held = held_products(session, at_risk)
    queued = skipped = 0
    for customer_id in at_risk:
        if queued >= limit:
            break
        if not may_contact(session, customer_id, now):
            skipped += 1
            continue
        row = table.customer_ids.index(customer_id)
        view = CustomerView(customer_id, table.values[row], table.row(customer_id), held.get(customer_id, set()))
        offer = best_retention_offer(models, view, found[customer_id])
        if offer is None:
            continue
        record_event(session, customer_id, offer.product_code, "queued", unsolicited=True, context=f"batch:{offer.kind}",
                     reasons=found[customer_id].reasons, now=now)
        if outbox is not None:
            outbox(session, customer_id, offer, found[customer_id])
        queued += 1
    session.flush()
    return BatchSummary(len(found), len(at_risk), queued, skipped)
