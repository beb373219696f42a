"""The quality measures: PR-AUC, recall at 1% FPR, and recall per kind of planted purchase."""

from __future__ import annotations

from assistant.alerts.evaluation import SplitScores, quality, recall_by_kind


def test_quality_of_a_perfect_ranking_is_one_and_of_an_inverted_one_is_low():
    labels = [False] * 200 + [True] * 5
    perfect = quality(labels, list(range(205)))
    inverted = quality(labels, list(range(205, 0, -1)))
    assert perfect == {"pr_auc": 1.0, "recall_at_1pct_fpr": 1.0}
    assert inverted["recall_at_1pct_fpr"] == 0.0 and inverted["pr_auc"] < 0.1


def test_recall_by_kind_counts_each_planted_kind_at_one_percent_fpr():
    labels = [False] * 200 + [True] * 3
    split = SplitScores(labels=labels, label_reasons=[
        "amount 12 times the customer's usual large payment", "crypto: a category the customer never pays in",
        "card payment in BR, a country the customer never visits"])
    scores = [float(i) for i in range(200)] + [500.0, 1.0, 400.0]
    assert recall_by_kind(split, scores) == {"country_never_visited": 1.0, "far_above_norm": 1.0,
                                             "unfamiliar_category": 0.0}
