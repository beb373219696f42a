"""Predictive alerts: unusual card purchases and upcoming bills, written to an outbox and pushed to customers."""
