"""The two baselines the scorer is measured against: the customer's amount z-score and an Isolation Forest."""

from __future__ import annotations

import math

import numpy as np
from sklearn.ensemble import IsolationForest

from assistant.alerts.features import CardPayment


def amount_zscores(history: list[CardPayment], payments: list[CardPayment]) -> np.ndarray:
    """How many standard deviations each payment is above the customer's mean card payment."""
    amounts = np.array([p.amount_minor for p in history], dtype="float64")
    mean, std = (amounts.mean(), amounts.std()) if len(amounts) else (0.0, 1.0)
    values = np.array([p.amount_minor for p in payments], dtype="float64")
    return (values - mean) / max(std, 1.0)


def compact_features(payments: list[CardPayment]) -> np.ndarray:
    """Numbers an Isolation Forest splits well: log amount, hour (cyclic), weekday, online, abroad.

    On the scorer's own 29-number vectors the forest did worse (PR-AUC 0.01 against 0.09 on 300 customers):
    most of its random splits fall on the sixteen merchant-embedding numbers.
    """
    rows = []
    for p in payments:
        hour = p.booked_at.hour * 2 * math.pi / 24
        rows.append((math.log1p(p.amount_minor / 100), math.sin(hour), math.cos(hour), p.booked_at.weekday() / 6,
                     p.channel == "online", p.country != "GB"))
    return np.array(rows, dtype="float32").reshape(len(rows), 6)


def isolation_scores(history: list[CardPayment], payments: list[CardPayment], seed: int = 0) -> np.ndarray:
    """Isolation Forest fitted on the customer's own history; higher is more anomalous."""
    if len(history) < 10 or not payments:
        return np.zeros(len(payments))
    forest = IsolationForest(n_estimators=100, random_state=seed).fit(compact_features(history))
    return -forest.score_samples(compact_features(payments))
