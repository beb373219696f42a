"""Five-fold cross-validation over every labelled customer: a steadier comparison with the baselines than one
held-out split of a small bank gives (each customer is scored by models that never saw them)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from assistant.models.evaluation import Ranking, churn_metrics, logistic_fit, rank, ranking_metrics
from assistant.models.features import FEATURE_NAMES
from assistant.models.rules import allowed_products
from assistant.models.training import CHURN_PARAMS, CHURN_ROUNDS, OFFER_PARAMS, OFFER_ROUNDS, Dataset

FOLDS = 5


def _folds(labels: np.ndarray, stratified: bool = True) -> list[tuple[np.ndarray, np.ndarray]]:
    # The rarest products have too few takers to share out across every fold, so offers are split plainly.
    splitter = StratifiedKFold if stratified else KFold
    return list(splitter(FOLDS, shuffle=True, random_state=7).split(np.zeros(len(labels)), labels))


def churn_cross_validation(dataset: Dataset) -> dict[str, Any]:
    """Out-of-fold churn scores of the model and of the logistic regression, measured together."""
    values, truth = dataset.features.values, dataset.churned.astype(int)
    model, baseline = np.zeros(len(truth)), np.zeros(len(truth))
    for train, test in _folds(truth):
        booster = lgb.train(CHURN_PARAMS, lgb.Dataset(values[train], truth[train]), CHURN_ROUNDS)
        model[test] = booster.predict(values[test])
        baseline[test] = logistic_fit(values[train], truth[train]).predict_proba(values[test])[:, 1]
    return {"model": churn_metrics(truth, model), "logistic_regression_baseline": churn_metrics(truth, baseline)}


def offer_cross_validation(dataset: Dataset, held: dict[int, set[str]]) -> dict[str, Any]:
    """Out-of-fold rankings of the next-product model and of the most popular products of each training fold."""
    rows = np.array([i for i, code in enumerate(dataset.next_product) if code is not None], dtype=int)
    products = sorted({dataset.next_product[i] for i in rows})
    labels = np.array([products.index(dataset.next_product[i]) for i in rows])
    model: list[Ranking] = []
    baseline: list[Ranking] = []
    for train, test in _folds(labels, stratified=False):
        booster = lgb.train(dict(OFFER_PARAMS, num_class=len(products)),
                            lgb.Dataset(dataset.features.values[rows[train]], labels[train]), OFFER_ROUNDS)
        popular = {products[label]: count for label, count in Counter(labels[train]).items()}
        for row, probabilities in zip(rows[test], booster.predict(dataset.features.values[rows[test]])):
            customer_id = dataset.features.customer_ids[row]
            features = dict(zip(FEATURE_NAMES, dataset.features.values[row].tolist()))
            allowed = allowed_products(held.get(customer_id, set()), features)
            truth = dataset.next_product[row]
            model.append(Ranking(customer_id, features["age"], truth,
                                 rank(dict(zip(products, probabilities.tolist())), allowed)))
            baseline.append(Ranking(customer_id, features["age"], truth, rank(popular, allowed)))
    return {"model": ranking_metrics(model), "most_popular_baseline": ranking_metrics(baseline)}
