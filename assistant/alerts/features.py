"""A card payment as a vector: merchant text embedding (cached), log amount, time, channel and country."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

CARD_CHANNELS = frozenset({"card_present", "online"})
HOME_COUNTRY = "GB"
MERCHANT_DIMS = 16
COUNTRY_DIMS = 6
_CHANNELS = ("card_present", "online")
# merchant + log amount + hour (sin, cos) + weekday (sin, cos) + channel + country
DIMS = MERCHANT_DIMS + 1 + 2 + 2 + len(_CHANNELS) + COUNTRY_DIMS


@dataclass(frozen=True, slots=True)
class CardPayment:
    """A card payment as the scorer sees it (amount_minor: pence spent, positive)."""

    customer_id: int
    merchant: str
    category: str
    amount_minor: int
    booked_at: datetime
    channel: str
    country: str = HOME_COUNTRY


@dataclass(frozen=True)
class FeatureWeights:
    """How far apart each feature puts two payments (chosen on the tuning split, see docs/alerts.md)."""

    merchant: float = 0.5
    amount: float = 1.0
    hour: float = 1.0
    weekday: float = 0.1
    channel: float = 0.3
    country: float = 1.2


def is_card_payment(amount_minor: int, channel: str, card_id: int | None) -> bool:
    """Whether a booked movement is a card purchase the scorer judges (money out, by card, in a shop or online)."""
    return amount_minor < 0 and card_id is not None and channel in CARD_CHANNELS


def _projection(seed: int = 20261123, source_dims: int = 384) -> np.ndarray:
    """A fixed orthonormal random projection: keeps distances between merchants roughly, in 16 numbers."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((source_dims, MERCHANT_DIMS)))
    return q.astype("float32")


def _country_vector(country: str) -> np.ndarray:
    """Zero at home; abroad, a fixed unit direction per country (any two countries are far apart)."""
    if country == HOME_COUNTRY:
        return np.zeros(COUNTRY_DIMS, dtype="float32")
    digest = hashlib.sha256(country.encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    direction = rng.standard_normal(COUNTRY_DIMS)
    return (direction / np.linalg.norm(direction)).astype("float32")


def _default_embed(texts: list[str]) -> np.ndarray:
    from assistant.knowledge.embedder import embed

    return embed(texts)


class MerchantVectors:
    """Merchant-and-category embeddings, projected to MERCHANT_DIMS and cached: one model call per new merchant."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray] = _default_embed) -> None:
        self._embed = embed
        self._projection = _projection()
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        self._names: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._cache)

    def warm(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Embed every (merchant, category) not cached yet, in one batch."""
        missing = sorted({pair for pair in pairs if pair not in self._cache})
        if not missing:
            return
        full = self._embed([f"{merchant} ({category})" for merchant, category in missing])
        projected = full @ self._projection
        projected /= np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-6)
        for pair, vector in zip(missing, projected.astype("float32")):
            self._cache[pair] = vector

    def vector(self, merchant: str, category: str) -> np.ndarray:
        """The merchant's unit vector (computed once, then from the cache)."""
        key = (merchant, category)
        found = self._cache.get(key)
        if found is None:
            self.warm([key])
            found = self._cache[key]
        return found

    def names(self, merchants: Iterable[str]) -> dict[str, np.ndarray]:
        """Full-size unit embeddings of merchant names alone (for telling whether two names are one payee)."""
        wanted = list(dict.fromkeys(merchants))
        missing = [name for name in wanted if name not in self._names]
        if missing:
            for name, vector in zip(missing, self._embed(missing)):
                self._names[name] = vector
        return {name: self._names[name] for name in wanted}


class Featurizer:
    """Turns card payments into float32 vectors of DIMS numbers for nearest-neighbour search."""

    def __init__(self, merchants: MerchantVectors | None = None, weights: FeatureWeights = FeatureWeights()) -> None:
        self.merchants = merchants if merchants is not None else MerchantVectors()
        self.weights = weights
        self._countries: dict[str, np.ndarray] = {}

    def _country(self, country: str) -> np.ndarray:
        found = self._countries.get(country)
        if found is None:
            found = self._countries[country] = _country_vector(country) * self.weights.country
        return found

    def vector(self, payment: CardPayment) -> np.ndarray:
        """One payment's vector."""
        w = self.weights
        out = np.empty(DIMS, dtype="float32")
        out[:MERCHANT_DIMS] = self.merchants.vector(payment.merchant, payment.category) * w.merchant
        when = payment.booked_at
        hour = (when.hour + when.minute / 60) * (2 * math.pi / 24)
        weekday = when.weekday() * (2 * math.pi / 7)
        i = MERCHANT_DIMS
        out[i] = math.log1p(payment.amount_minor / 100) * w.amount
        out[i + 1], out[i + 2] = math.sin(hour) * w.hour, math.cos(hour) * w.hour
        out[i + 3], out[i + 4] = math.sin(weekday) * w.weekday, math.cos(weekday) * w.weekday
        out[i + 5] = w.channel if payment.channel == _CHANNELS[0] else 0.0
        out[i + 6] = w.channel if payment.channel == _CHANNELS[1] else 0.0
        out[i + 7:] = self._country(payment.country)
        return out

    def matrix(self, payments: list[CardPayment]) -> np.ndarray:
        """Vectors for many payments, one row each (merchants embedded in one batch first)."""
        self.merchants.warm((p.merchant, p.category) for p in payments)
        if not payments:
            return np.zeros((0, DIMS), dtype="float32")
        return np.stack([self.vector(p) for p in payments])
