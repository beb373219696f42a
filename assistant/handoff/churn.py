"""The customer's churn risk on a handed-off chat, scored when the ticket opens, for the agent console."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from assistant.handoff.models import HandoffTicket, TicketChurnRisk
from assistant.models.artefacts import ModelNotTrained, ModelVersionMismatch, TrainedModels
from assistant.models.retention import churn_risk
from assistant.models.scoring import models_or_current

NOT_TRAINED = "Not scored: the churn model has not been trained yet."
WRONG_VERSION = "Not scored: the churn model needs retraining for this version of the assistant."
OPENED_BEFORE = "Not scored: the chat was handed off before churn scoring."


def score_ticket(session: Session, ticket: HandoffTicket, *, models: TrainedModels | None = None,
                 now: datetime | None = None) -> TicketChurnRisk:
    """Score the ticket's customer and keep the risk and reasons with the ticket (a missing or outdated model
    leaves a clear "not scored" note instead); the caller commits."""
    try:
        models = models_or_current(models)
        risk = churn_risk(session, ticket.customer_id, models=models, now=now)
    except ModelNotTrained:
        row = TicketChurnRisk(ticket_id=ticket.id, scored=False, note=NOT_TRAINED)
    except ModelVersionMismatch:
        row = TicketChurnRisk(ticket_id=ticket.id, scored=False, note=WRONG_VERSION)
    else:
        row = TicketChurnRisk(ticket_id=ticket.id, scored=True, risk=risk.risk, at_risk=risk.at_risk,
                              reasons=list(risk.reasons), model_version=models.version)
        ticket.churn_risk = risk.risk
        session.add(ticket)
    if now is not None:
        row.scored_at = now
    session.add(row)
    session.flush()
    return row


def churn_json(session: Session, ticket_id: int) -> dict[str, Any]:
    """The ticket's churn risk as the agent API returns it: scored with risk and reasons, or not scored and why."""
    row = session.get(TicketChurnRisk, ticket_id)
    if row is None:
        return {"status": "not_scored", "risk": None, "at_risk": False, "reasons": [], "note": OPENED_BEFORE}
    return {"status": "scored" if row.scored else "not_scored", "risk": row.risk, "at_risk": row.at_risk,
            "reasons": list(row.reasons), "note": row.note}
