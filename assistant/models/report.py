"""The models' report: churn and next-best-offer quality on held-out customers against baselines, by age band,
and drift (PSI) of every feature between the training data and the current data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from sqlmodel import Session

from assistant.models.artefacts import TrainedModels
from assistant.models.crossval import churn_cross_validation, offer_cross_validation
from assistant.models.evaluation import (
    AGE_BANDS,
    age_band,
    churn_metrics,
    logistic_baseline,
    popularity,
    psi,
    ranking_metrics,
    rankings,
)
from assistant.models.features import FEATURE_NAMES, customer_features
from assistant.models.rules import held_products
from assistant.models.training import Dataset, load_dataset


def _by_band(ages: np.ndarray, measure) -> dict[str, Any]:
    return {label: measure(np.flatnonzero((ages >= low) & (ages < high))) for low, high, label in AGE_BANDS}


def churn_section(dataset: Dataset, models: TrainedModels) -> dict[str, Any]:
    """Churn model and logistic baseline on the held-out customers, overall and by age band."""
    rows = np.flatnonzero(dataset.held_out)
    values = dataset.features.values[rows]
    truth = dataset.churned[rows]
    model = models.churn.predict(values)
    baseline = logistic_baseline(dataset).predict_proba(values)[:, 1]
    ages = values[:, FEATURE_NAMES.index("age")]
    return {
        "model": churn_metrics(truth, model),
        "logistic_regression_baseline": churn_metrics(truth, baseline),
        "by_age_band": _by_band(ages, lambda band: {
            "model": churn_metrics(truth[band], model[band]),
            "logistic_regression_baseline": churn_metrics(truth[band], baseline[band])}),
    }


def offer_section(session: Session, dataset: Dataset, models: TrainedModels) -> dict[str, Any]:
    """Next-best-offer model and most-popular baseline on held-out customers who took up a product."""
    held = held_products(session, dataset.features.customer_ids)
    order = popularity(dataset)

    def model_scores(rows: np.ndarray) -> list[dict[str, float]]:
        probabilities = models.next_product.predict(dataset.features.values[rows]) if len(rows) else []
        return [dict(zip(models.products, row.tolist())) for row in probabilities]

    def popular_scores(rows: np.ndarray) -> list[dict[str, float]]:
        return [{code: -place for place, code in enumerate(order)} for _ in rows]

    model, baseline = rankings(dataset, held, model_scores), rankings(dataset, held, popular_scores)
    bands: dict[str, dict[str, list]] = defaultdict(lambda: {"model": [], "baseline": []})
    for mine, theirs in zip(model, baseline):
        bands[age_band(mine.age)]["model"].append(mine)
        bands[age_band(theirs.age)]["baseline"].append(theirs)
    return {
        "model": ranking_metrics(model),
        "most_popular_baseline": ranking_metrics(baseline),
        "most_popular_order": order,
        "by_age_band": {label: {"model": ranking_metrics(bands[label]["model"]),
                                "most_popular_baseline": ranking_metrics(bands[label]["baseline"])}
                        for _, _, label in AGE_BANDS},
    }


def drift_section(session: Session, models: TrainedModels) -> dict[str, Any]:
    """PSI of each feature: the training customers as saved with the model against all customers' current features."""
    current = customer_features(session)
    reference = models.manifest["feature_bins"]
    scores = {name: round(psi(reference[i]["shares"], current.values[:, i], reference[i]["edges"]), 4)
              for i, name in enumerate(FEATURE_NAMES)}
    return {"training_as_of": models.manifest["as_of"], "current_as_of": current.as_of.isoformat(),
            "psi": scores, "features_over_0_2": sorted(name for name, value in scores.items() if value > 0.2)}


def build_report(session: Session, models: TrainedModels, dataset: Dataset | None = None) -> dict[str, Any]:
    """The whole report, as a JSON-ready dict."""
    dataset = dataset or load_dataset(session)
    return {
        "model_version": models.version,
        "held_out_customers": int(dataset.held_out.sum()),
        "training_customers": int(dataset.train.sum()),
        "churn": churn_section(dataset, models),
        "next_best_offer": offer_section(session, dataset, models),
        "cross_validation_5_fold": {
            "churn": churn_cross_validation(dataset),
            "next_best_offer": offer_cross_validation(dataset, held_products(session, dataset.features.customer_ids)),
        },
        "drift": drift_section(session, models),
    }
