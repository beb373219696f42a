"""Readying what the action server answers with before it says it is ready: the knowledge index with its embedding
model, and the churn and next-best-offer models, each loaded into its process-wide cache and used once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

log = logging.getLogger(__name__)

# Short and typical: the warm-up should take the path a customer's first question takes, tokenizer included.
WARM_UP_QUESTION = "How do I reset my PIN?"


@dataclass(frozen=True)
class WarmUp:
    """What a warm-up readied, what it could not (part: why) and how long it took."""

    ready: tuple[str, ...]
    unavailable: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def warm_knowledge() -> None:
    """Load the FAISS index and the embedding model, then answer one question (one embedding, one search)."""
    from assistant.knowledge.index import current_index
    from assistant.knowledge.retriever import search

    search(current_index(), WARM_UP_QUESTION)


def warm_models() -> None:
    """Load the churn and next-best-offer models, then score and explain one customer with each."""
    from assistant.models.artefacts import current_models
    from assistant.models.explanations import contributions
    from assistant.models.features import FEATURE_NAMES

    models = current_models()
    row = np.zeros(len(FEATURE_NAMES))
    # predict and pred_contrib (the reasons) each build their own state inside LightGBM on first use.
    models.churn.predict(row.reshape(1, -1))
    models.next_product.predict(row.reshape(1, -1))
    contributions(models.churn, row)
    contributions(models.next_product, row, class_index=0)


PARTS: Mapping[str, Callable[[], None]] = {"knowledge": warm_knowledge, "models": warm_models}


def warm_up(parts: Mapping[str, Callable[[], None]] = PARTS) -> WarmUp:
    """Ready each part; a part that cannot load (not built, not trained, broken) is reported, never raised."""
    started = time.perf_counter()
    ready: list[str] = []
    unavailable: dict[str, str] = {}
    for name, warm in parts.items():
        began = time.perf_counter()
        try:
            warm()
        except Exception as exc:  # noqa: BLE001 - the server starts without the part; its actions say it is away
            unavailable[name] = f"{exc.__class__.__name__}: {exc}"
            log.warning("warm-up: %s unavailable (%s); its answers will say so until it is built", name,
                        unavailable[name])
            continue
        ready.append(name)
        log.info("warm-up: %s ready in %.1f s", name, time.perf_counter() - began)
    return WarmUp(tuple(ready), unavailable, round(time.perf_counter() - started, 2))
