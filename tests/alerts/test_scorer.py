"""The scorer: merchant vectors cached, short histories never alerted on, a learned payment scores as normal."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from assistant.alerts.features import CardPayment, Featurizer, MerchantVectors
from assistant.alerts.scorer import MIN_HISTORY, UnusualPurchaseScorer

WHEN = datetime(2026, 11, 20, 13, 0, tzinfo=timezone.utc)


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, merchants: MerchantVectors) -> None:
        self.texts: list[str] = []
        self._real = merchants._embed  # noqa: SLF001 - the real model function, wrapped to count calls

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self._real(texts)


def _coffee(customer: int, pence: int, merchant: str = "Pret A Manger", category: str = "dining") -> CardPayment:
    return CardPayment(customer, merchant, category, pence, WHEN, "card_present")


def test_a_known_merchant_is_embedded_once_however_often_it_is_scored(merchants):
    counting = CountingEmbedder(merchants)
    scorer = UnusualPurchaseScorer(Featurizer(MerchantVectors(counting)), threshold=5.0)
    scorer.load(1, [_coffee(1, 300 + i) for i in range(20)])
    for pence in (350, 420, 3_000):
        scorer.score(_coffee(1, pence))
    assert counting.texts == ["Pret A Manger (dining)"]


def test_a_customer_with_too_short_a_history_is_never_alerted_on(merchants):
    scorer = UnusualPurchaseScorer(Featurizer(merchants), threshold=0.0)
    scorer.load(1, [_coffee(1, 300)] * (MIN_HISTORY - 1))
    assert not scorer.score(_coffee(1, 900_000, "Golden Casino", "gambling")).unusual


def test_batch_scores_match_single_scores(merchants):
    scorer = UnusualPurchaseScorer(Featurizer(merchants), threshold=5.0)
    scorer.load(1, [_coffee(1, 300 + 7 * i) for i in range(30)])
    scorer.load(2, [_coffee(2, 2_000 + 11 * i, "Tesco", "groceries") for i in range(30)])
    payments = [_coffee(1, 450), _coffee(2, 2_500, "Tesco", "groceries"), _coffee(1, 80_000, "Currys", "shopping")]
    singles = [scorer.score(p).value for p in payments]
    assert np.allclose(scorer.score_values(payments), singles, rtol=1e-4)


def test_a_learned_payment_scores_lower_the_next_time(merchants):
    scorer = UnusualPurchaseScorer(Featurizer(merchants), threshold=5.0)
    scorer.load(1, [_coffee(1, 300 + 7 * i) for i in range(30)])
    casino = _coffee(1, 60_000, "Golden Casino", "gambling")
    before = scorer.score(casino).value
    scorer.learn(casino)
    assert scorer.score(casino).value < before


def test_half_precision_history_scores_like_the_full_precision_one(merchants):
    history = [_coffee(1, 300 + 7 * i) for i in range(30)] + [_coffee(1, 2_000 + 50 * i, "Tesco", "groceries")
                                                               for i in range(30)]
    payments = [_coffee(1, 450), _coffee(1, 80_000, "Currys", "shopping"), _coffee(1, 2_600, "Tesco", "groceries")]
    full = UnusualPurchaseScorer(Featurizer(merchants), threshold=5.0)
    half = UnusualPurchaseScorer(Featurizer(merchants), threshold=5.0, half_precision=True)
    full.load(1, history)
    half.load(1, history)
    assert np.allclose(half.score_values(payments), full.score_values(payments), rtol=0.01, atol=0.01)
