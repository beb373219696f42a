"""Quality of the unusual-purchase scorer on the generator's labelled purchases, against both baselines.

Customers are split in two: the threshold is calibrated on the tuning half and every figure is measured on
the other half. Each customer's history is their card payments before a cut-off date (labelled unusual ones
left out, as a confirmed fraud never joins the normal history); their payments after it are scored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sklearn.metrics import average_precision_score, roc_curve

from assistant.alerts import baselines
from assistant.alerts.calibration import TARGET_FALSE_POSITIVE_RATE, Calibration, threshold_for
from assistant.alerts.features import Featurizer
from assistant.alerts.scorer import UnusualPurchaseScorer
from assistant.alerts.synthetic import card_payments, generated_customers

CUTOFF_DAYS = 120
# The generator's label text -> (its kind in assistant.seed.unusual, the words our reason should use).
_LABEL_KINDS = {"times the customer": ("far_above_norm", "your usual spend"),
                "never pays in": ("unfamiliar_category", "first card payment"),
                "never visits": ("country_never_visited", "first purchase in"),
                "in the morning": ("odd_hour", "")}


def _kind(label: str) -> tuple[str, str | None]:
    return next((found for key, found in _LABEL_KINDS.items() if key in label), ("other", None))


@dataclass
class SplitScores:
    """Scores of one split's payments after the cut-off, with labels, baselines and the scorer's reasons."""

    labels: list[bool] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    zscores: list[float] = field(default_factory=list)
    isolation: list[float] = field(default_factory=list)
    label_reasons: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    customers: int = 0


def score_split(numbers: range, seed: int, as_of: date, unusual_rate: float, featurizer: Featurizer,
                with_baselines: bool) -> SplitScores:
    """Score every post-cut-off card payment of the customers `numbers` (and the baselines when asked)."""
    cutoff = as_of - timedelta(days=CUTOFF_DAYS)
    scorer = UnusualPurchaseScorer(featurizer, threshold=float("-inf"))
    out = SplitScores()
    for rows in generated_customers(numbers, seed, as_of, unusual_rate):
        labelled = card_payments(rows)
        history = [item.payment for item in labelled if item.payment.booked_at.date() < cutoff and not item.unusual]
        later = [item for item in labelled if item.payment.booked_at.date() >= cutoff]
        if not later:
            continue
        customer = rows.customer["id"]
        scorer.load(customer, history)
        payments = [item.payment for item in later]
        out.scores += scorer.score_values(payments).tolist()
        out.labels += [item.unusual is not None for item in later]
        for item in later:
            if item.unusual:
                out.label_reasons.append(item.unusual)
                out.reasons.append(scorer.score(item.payment).reason)
        if with_baselines:
            out.zscores += baselines.amount_zscores(history, payments).tolist()
            out.isolation += baselines.isolation_scores(history[-scorer.history_size:], payments,
                                                        seed=customer).tolist()
        scorer.forget(customer)
        out.customers += 1
    return out


def quality(labels: list[bool], scores: list[float], threshold: float | None = None) -> dict[str, float]:
    """PR-AUC, recall at 1% false-positive rate, and recall and FPR at a given threshold."""
    y, s = np.array(labels), np.array(scores)
    false_positive, true_positive, _ = roc_curve(y, s)
    result = {"pr_auc": round(float(average_precision_score(y, s)), 4),
              "recall_at_1pct_fpr": round(float(true_positive[false_positive <= TARGET_FALSE_POSITIVE_RATE].max()), 4)}
    if threshold is not None:
        flagged = s >= threshold
        result["recall_at_threshold"] = round(float(flagged[y].mean()), 4)
        result["fpr_at_threshold"] = round(float(flagged[~y].mean()), 4)
    return result


def reason_agreement(split: SplitScores) -> float:
    """Share of labelled purchases whose stated reason names the same cause the generator planted."""
    agree = 0
    for label, reason in zip(split.label_reasons, split.reasons):
        expected = _kind(label)[1]
        if expected == "":  # the odd-hour purchase is both late and large: either reason is right
            agree += "rarely pay by card" in reason or "your usual spend" in reason
        else:
            agree += expected is not None and expected in reason
    return round(agree / max(len(split.label_reasons), 1), 4)


def recall_by_kind(split: SplitScores, scores: list[float]) -> dict[str, float]:
    """Recall per kind of planted purchase at the score that flags 1% of this split's normal payments."""
    y, s = np.array(split.labels), np.array(scores)
    threshold = threshold_for(s[~y])
    caught: dict[str, list[bool]] = {}
    for label, value in zip(split.label_reasons, s[y]):
        caught.setdefault(_kind(label)[0], []).append(bool(value >= threshold))
    return {kind: round(sum(hits) / len(hits), 4) for kind, hits in sorted(caught.items())}


def evaluate_unusual(customers: int, seed: int, as_of: date, unusual_rate: float,
                     featurizer: Featurizer | None = None) -> tuple[dict, Calibration]:
    """Calibrate on the first half of `customers`, measure on the second half; figures and the calibration."""
    featurizer = featurizer if featurizer is not None else Featurizer()
    half = customers // 2
    started = time.perf_counter()
    tuning = score_split(range(1, half + 1), seed, as_of, unusual_rate, featurizer, with_baselines=False)
    negatives = np.array([s for s, y in zip(tuning.scores, tuning.labels) if not y])
    calibration = Calibration(threshold_for(negatives), TARGET_FALSE_POSITIVE_RATE, tuning.customers, len(negatives))
    test = score_split(range(half + 1, customers + 1), seed, as_of, unusual_rate, featurizer, with_baselines=True)
    figures = {
        "tuning": {"customers": tuning.customers, "payments": len(tuning.labels), "unusual": sum(tuning.labels),
                   "threshold": round(calibration.threshold, 4)},
        "test": {"customers": test.customers, "payments": len(test.labels), "unusual": sum(test.labels)},
        "faiss_knn": quality(test.labels, test.scores, calibration.threshold),
        "amount_zscore": quality(test.labels, test.zscores),
        "isolation_forest": quality(test.labels, test.isolation),
        "recall_by_kind_at_1pct_fpr": {"faiss_knn": recall_by_kind(test, test.scores),
                                       "amount_zscore": recall_by_kind(test, test.zscores),
                                       "isolation_forest": recall_by_kind(test, test.isolation)},
        "reason_matches_label": reason_agreement(test),
        "unusual_rate": unusual_rate, "cutoff_days": CUTOFF_DAYS, "seconds": round(time.perf_counter() - started, 1),
    }
    return figures, calibration
