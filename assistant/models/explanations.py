"""Reason codes from the models themselves: LightGBM's per-feature contributions (TreeSHAP), as plain sentences."""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np

from assistant.models.features import FEATURE_NAMES
from assistant.models.sentences import sentence


@dataclass(frozen=True)
class Reason:
    """One feature that pushed a score up, what it adds (log-odds) and what it means for the customer."""

    feature: str
    contribution: float
    sentence: str


def contributions(booster: lgb.Booster, row: np.ndarray, class_index: int | None = None) -> np.ndarray:
    """Each feature's TreeSHAP contribution to one customer's score (for one class of a multiclass model)."""
    raw = booster.predict(row.reshape(1, -1), pred_contrib=True)[0]
    width = len(FEATURE_NAMES) + 1  # the features, then the expected value
    if class_index is not None:
        raw = raw[class_index * width:(class_index + 1) * width]
    return np.asarray(raw[:len(FEATURE_NAMES)])


def reasons(values: np.ndarray, contributed: np.ndarray, top: int = 3,
            relevant: frozenset[str] | None = None) -> list[Reason]:
    """The largest positive contributions that have something to say, largest first, at most `top` (only from
    the `relevant` features, when given)."""
    found: list[Reason] = []
    for index in np.argsort(-contributed):
        if contributed[index] <= 0 or len(found) == top:
            break
        if relevant is not None and FEATURE_NAMES[index] not in relevant:
            continue
        said = sentence(FEATURE_NAMES[index], float(values[index]))
        if said is not None:
            found.append(Reason(FEATURE_NAMES[index], float(contributed[index]), said))
    return found


def explain(booster: lgb.Booster, values: np.ndarray, class_index: int | None = None, top: int = 3,
            relevant: frozenset[str] | None = None) -> list[Reason]:
    """Reasons for one customer's score, straight from the model's contributions."""
    return reasons(values, contributions(booster, values, class_index), top, relevant)
