"""Anomaly scores for card payments: nearest neighbours in the customer's own history, kept in memory (FAISS)."""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

from assistant.alerts.features import CardPayment, Featurizer
from assistant.alerts.reasons import PaymentFacts, explain

NEIGHBOURS = 5
MIN_HISTORY = 10  # fewer payments than this say too little about a customer to call anything unusual
_MIN_SPREAD = 0.05
AMOUNT_WEIGHT = 6.0  # score added per e-fold above the customer's 95th-percentile payment (tuning split)


@dataclass(frozen=True)
class Score:
    """How unusual a payment is (distance over the customer's spread), whether that alerts, and why."""

    value: float
    unusual: bool
    reason: str


class CustomerHistory:
    """One customer's recent card payments as vectors (an exact L2 index) and how spread out they are."""

    __slots__ = ("index", "spread", "facts", "capacity", "large_amount")

    def __init__(self, vectors: np.ndarray, facts: PaymentFacts, capacity: int, half_precision: bool = False) -> None:
        self.capacity = capacity
        vectors = vectors[-capacity:]
        # 16-bit vectors halve the memory; distances move by about 0.002 (docs/alerts.md), far below a spread.
        self.index = (faiss.IndexScalarQuantizer(vectors.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_L2)
                      if half_precision else faiss.IndexFlatL2(vectors.shape[1]))
        self.index.add(np.ascontiguousarray(vectors))
        self.facts = facts
        self.spread = _spread(self.index, vectors)
        self.large_amount = facts.large_amount()

    def add(self, vector: np.ndarray) -> None:
        """Take one more payment as normal for the customer (dropping the oldest past capacity)."""
        if self.index.ntotal >= self.capacity:
            self.index.remove_ids(np.arange(self.index.ntotal - self.capacity + 1, dtype="int64"))
        self.index.add(vector.reshape(1, -1))


def _spread(index: faiss.Index, vectors: np.ndarray) -> float:
    """The median distance from a history payment to its nearest other payments (leave one out)."""
    if len(vectors) <= NEIGHBOURS:
        return 1.0
    distances, _ = index.search(vectors, NEIGHBOURS + 1)
    typical = np.sqrt(np.maximum(distances[:, 1:], 0)).mean(axis=1)
    return max(float(np.median(typical)), _MIN_SPREAD)


class UnusualPurchaseScorer:
    """Scores card payments against each customer's history held in memory; `threshold` decides an alert."""

    def __init__(self, featurizer: Featurizer | None = None, threshold: float = float("inf"),
                 history_size: int = 256, amount_weight: float = AMOUNT_WEIGHT, half_precision: bool = False) -> None:
        self.featurizer = featurizer if featurizer is not None else Featurizer()
        self.half_precision = half_precision
        self.amount_weight = amount_weight
        self.threshold = threshold
        self.history_size = history_size
        self._customers: dict[int, CustomerHistory] = {}

    def __contains__(self, customer_id: int) -> bool:
        return customer_id in self._customers

    def __len__(self) -> int:
        return len(self._customers)

    def load(self, customer_id: int, history: list[CardPayment]) -> None:
        """Hold a customer's history (oldest first) in memory, replacing any held before."""
        recent = history[-self.history_size:]
        self._customers[customer_id] = CustomerHistory(
            self.featurizer.matrix(recent), PaymentFacts.of(history), self.history_size, self.half_precision)

    def facts(self, customer_id: int) -> PaymentFacts | None:
        """What the customer's held history looks like (None when not held)."""
        history = self._customers.get(customer_id)
        return history.facts if history is not None else None

    def histories(self) -> dict[int, CustomerHistory]:
        """Every held history by customer id (read-only use: benchmarks compare index layouts with it)."""
        return self._customers

    def forget(self, customer_id: int) -> None:
        """Drop a customer's history from memory."""
        self._customers.pop(customer_id, None)

    def history_vectors(self) -> int:
        """How many payment vectors are held over all customers."""
        return sum(history.index.ntotal for history in self._customers.values())

    def _value(self, history: CustomerHistory, vectors: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        k = min(NEIGHBOURS, history.index.ntotal)
        distances, _ = history.index.search(vectors, k)
        strangeness = np.sqrt(np.maximum(distances, 0)).mean(axis=1) / history.spread
        # A payment unlike the customer's matters more the further it is above what they usually spend.
        above = np.log(np.maximum(amounts / history.large_amount, 1.0))
        return strangeness + self.amount_weight * above

    def _judged(self, customer_id: int) -> CustomerHistory | None:
        history = self._customers.get(customer_id)
        return history if history is not None and history.facts.count >= MIN_HISTORY else None

    def score(self, payment: CardPayment) -> Score:
        """Score one payment; a customer with too little history is never alerted on."""
        history = self._judged(payment.customer_id)
        if history is None:
            return Score(0.0, False, "not enough card history to judge")
        value = float(self._value(history, self.featurizer.vector(payment).reshape(1, -1),
                                  np.array([payment.amount_minor], dtype="float32"))[0])
        unusual = value >= self.threshold
        return Score(value, unusual, explain(payment, history.facts) if unusual else "")

    def score_values(self, payments: list[CardPayment]) -> np.ndarray:
        """Scores of many payments, one FAISS search per customer (0 where history is too short)."""
        values = np.zeros(len(payments), dtype="float32")
        by_customer: dict[int, list[int]] = {}
        for position, payment in enumerate(payments):
            by_customer.setdefault(payment.customer_id, []).append(position)
        vectors = self.featurizer.matrix(payments)
        amounts = np.array([p.amount_minor for p in payments], dtype="float32")
        for customer_id, positions in by_customer.items():
            history = self._judged(customer_id)
            if history is not None:
                values[positions] = self._value(history, vectors[positions], amounts[positions])
        return values

    def learn(self, payment: CardPayment) -> None:
        """Make a payment part of the customer's normal history ("yes, it was me")."""
        history = self._customers.get(payment.customer_id)
        if history is None:
            self.load(payment.customer_id, [payment])
            return
        history.add(self.featurizer.vector(payment))
        history.facts.add(payment)
