"""Measuring the models on held-out customers against simple baselines, by age band, and drift of the features."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from assistant.models.features import FEATURE_NAMES
from assistant.models.rules import allowed_products
from assistant.models.training import Dataset, offer_rows

AGE_BANDS = ((18, 30, "18-29"), (30, 45, "30-44"), (45, 65, "45-64"), (65, 200, "65+"))
TOP_K = 3
PSI_BINS = 10


def age_band(age: float) -> str:
    """The age band a customer falls in."""
    return next(label for low, high, label in AGE_BANDS if low <= age < high)


def logistic_fit(values: np.ndarray, truth: np.ndarray):
    """A logistic regression on standardised features."""
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(values, truth)


def logistic_baseline(dataset: Dataset):
    """The churn baseline: a logistic regression on the same features and training customers."""
    return logistic_fit(dataset.features.values[dataset.train], dataset.churned[dataset.train])


def churn_metrics(truth: np.ndarray, scores: np.ndarray) -> dict[str, float | int]:
    """ROC AUC, PR AUC (average precision) and Brier score; AUCs are None when only one class is present."""
    both = len(set(truth.tolist())) == 2
    return {"customers": int(len(truth)), "churners": int(truth.sum()),
            "auc": round(float(roc_auc_score(truth, scores)), 4) if both else None,
            "pr_auc": round(float(average_precision_score(truth, scores)), 4) if both else None,
            "brier": round(float(brier_score_loss(truth, scores)), 4)}


def popularity(dataset: Dataset) -> list[str]:
    """Products by how many training customers took them up next, most popular first."""
    counts = Counter(dataset.next_product[i] for i in offer_rows(dataset, dataset.train))
    return [code for code, _ in counts.most_common()]


@dataclass(frozen=True)
class Ranking:
    """The products offered to one held-out customer, best first, and the one they actually took up."""

    customer_id: int
    age: float
    truth: str
    offered: list[str]


def rank(scores: dict[str, float], allowed: list[str]) -> list[str]:
    """Allowed products in descending score order."""
    return sorted((code for code in allowed if code in scores), key=lambda code: -scores[code])


def rankings(dataset: Dataset, held: dict[int, set[str]], score_rows) -> list[Ranking]:
    """For each held-out customer who took up a product: the allowed products ranked by `score_rows(rows)`."""
    rows = offer_rows(dataset, dataset.held_out)
    scored = score_rows(rows)
    found = []
    for row, scores in zip(rows, scored):
        customer_id = dataset.features.customer_ids[row]
        features = dict(zip(FEATURE_NAMES, dataset.features.values[row].tolist()))
        allowed = allowed_products(held.get(customer_id, set()), features)
        found.append(Ranking(customer_id, features["age"], dataset.next_product[row], rank(scores, allowed)))
    return found


def ranking_metrics(found: list[Ranking]) -> dict[str, float | int]:
    """Hit rate at 3 and MAP at 3 (one relevant product per customer, so precision at its rank)."""
    hits = [ranking.truth in ranking.offered[:TOP_K] for ranking in found]
    precision = [1 / (ranking.offered.index(ranking.truth) + 1) if hit else 0.0
                 for ranking, hit in zip(found, hits)]
    return {"customers": len(found),
            "hit_rate_at_3": round(float(np.mean(hits)), 4) if found else None,
            "map_at_3": round(float(np.mean(precision)), 4) if found else None}


def reference_bins(values: np.ndarray) -> list[dict[str, list[float]]]:
    """Per feature, the training data's decile edges (distinct values only) and the share in each bin,
    kept with the model so later data can be compared with what it was trained on."""
    reference = []
    for column in values.T:
        inner = np.unique(np.quantile(column, np.linspace(0, 1, PSI_BINS + 1)[1:-1])).tolist()
        reference.append({"edges": inner, "shares": shares(column, inner).tolist()})
    return reference


def shares(column: np.ndarray, inner: list[float]) -> np.ndarray:
    """The share of values in each bin between the inner edges (never exactly zero, so PSI stays finite)."""
    counts = np.bincount(np.searchsorted(inner, column, side="right"), minlength=len(inner) + 1)
    return np.clip(counts / max(1, len(column)), 1e-4, None)


def psi(expected: list[float], actual: np.ndarray, inner: list[float]) -> float:
    """Population stability index of one feature: sum of (actual - expected) * ln(actual / expected) over bins."""
    e, a = np.asarray(expected), shares(actual, inner)
    return float(np.sum((a - e) * np.log(a / e)))
