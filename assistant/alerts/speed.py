"""Scoring speed with many customers' histories in memory, built straight from the generator (no database)."""

from __future__ import annotations

import gc
import random
import resource
import statistics
import time
from datetime import date, timedelta

import numpy as np

from assistant.alerts.features import DIMS, CardPayment
from assistant.alerts.scorer import UnusualPurchaseScorer
from assistant.alerts.synthetic import card_payments, generated_customers

QUERY_DAYS = 30


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    """The process's resident memory now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def load_customers(scorer: UnusualPurchaseScorer, customers: int, seed: int, as_of: date) -> list[CardPayment]:
    """Hold every customer's history up to QUERY_DAYS before as_of; their later payments are the queries."""
    cutoff = as_of - timedelta(days=QUERY_DAYS)
    queries: list[CardPayment] = []
    for rows in generated_customers(range(1, customers + 1), seed, as_of, unusual_rate=0.015):
        payments = [item.payment for item in card_payments(rows)]
        scorer.load(rows.customer["id"], [p for p in payments if p.booked_at.date() < cutoff])
        queries += [p for p in payments if p.booked_at.date() >= cutoff]
    return queries


def bench_speed(scorer: UnusualPurchaseScorer, customers: int, seed: int, as_of: date, single: int = 5000,
                batch: int = 1000, batches: int = 50) -> dict:
    """Build the in-memory state for `customers` customers, then time single and batch scoring."""
    scorer.featurizer.merchants.warm([("Tesco", "groceries")])  # load the model before measuring memory
    gc.collect()
    rss_before = _rss_mb()
    started = time.perf_counter()
    queries = load_customers(scorer, customers, seed, as_of)
    build_seconds = time.perf_counter() - started
    gc.collect()
    rss_after = _rss_mb()
    vectors = scorer.history_vectors()
    rng = random.Random(seed)
    sample = [rng.choice(queries) for _ in range(single)]
    for payment in sample[:200]:  # warm caches and code paths before timing
        scorer.score(payment)
    timings = []
    for payment in sample:
        begun = time.perf_counter_ns()
        scorer.score(payment)
        timings.append((time.perf_counter_ns() - begun) / 1e6)
    timings.sort()
    work = [rng.choice(queries) for _ in range(batch * batches)]
    begun = time.perf_counter()
    for first in range(0, len(work), batch):
        scorer.score_values(work[first:first + batch])
    batch_seconds = time.perf_counter() - begun
    bytes_per_vector = DIMS * (2 if scorer.half_precision else 4)
    figures = {
        "customers": len(scorer), "history_vectors": vectors, "vector_dims": DIMS,
        "vector_storage": "float16" if scorer.half_precision else "float32",
        "build_seconds": round(build_seconds, 1),
        "memory": {"rss_mb": round(rss_after, 1), "peak_rss_mb": round(_peak_rss_mb(), 1),
                   "rss_before_loading_mb": round(rss_before, 1), "rss_growth_mb": round(rss_after - rss_before, 1),
                   "faiss_vectors_mb": round(vectors * bytes_per_vector / 2**20, 1),
                   "per_customer_kb": round((rss_after - rss_before) * 1024 / max(customers, 1), 1)},
        "single": {"runs": single, "p50_ms": round(statistics.median(timings), 4),
                   "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 4), "max_ms": round(timings[-1], 3)},
        "batch": {"transactions": len(work), "batch_size": batch,
                  "per_second": round(len(work) / batch_seconds)},
        "merchants_cached": len(scorer.featurizer.merchants),
        "search_layouts": {"index_per_customer": per_customer_search(scorer, queries),
                           "one_index_with_id_ranges": bench_shared_index(scorer, queries)},
    }
    if not scorer.half_precision:
        figures["search_layouts"]["index_per_customer_16_bit"] = per_customer_search(scorer, queries,
                                                                                     half_precision=True)
    return figures


def bench_shared_index(scorer: UnusualPurchaseScorer, queries: list[CardPayment], runs: int = 2000) -> dict:
    """The alternative layout: one FAISS index for everyone, each search restricted to a customer's id range."""
    import faiss

    held = list(scorer.histories().items())
    index = faiss.IndexFlatL2(DIMS)
    ranges: dict[int, tuple[int, int]] = {}
    for customer, history in held:
        start = index.ntotal
        index.add(history.index.reconstruct_n(0, history.index.ntotal))
        ranges[customer] = (start, index.ntotal)
    rng = random.Random(1)
    timings = []
    for payment in (rng.choice(queries) for _ in range(runs)):
        if payment.customer_id not in ranges:
            continue
        vector = scorer.featurizer.vector(payment).reshape(1, -1)
        low, high = ranges[payment.customer_id]
        begun = time.perf_counter_ns()
        index.search(vector, 5, params=faiss.SearchParameters(sel=faiss.IDSelectorRange(low, high, True)))
        timings.append((time.perf_counter_ns() - begun) / 1e6)
    timings.sort()
    return {"searches": len(timings), "p50_ms": round(statistics.median(timings), 4),
            "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 4)}


def per_customer_search(scorer: UnusualPurchaseScorer, queries: list[CardPayment], runs: int = 2000,
                        half_precision: bool = False) -> dict:
    """The chosen layout's search alone (one small index per customer); optionally with 16-bit vectors."""
    import faiss

    rng = random.Random(1)
    timings, distance_change = [], []
    bytes_per_vector = DIMS * (2 if half_precision or scorer.half_precision else 4)
    for payment in (rng.choice(queries) for _ in range(runs)):
        history = scorer.histories().get(payment.customer_id)
        if history is None:
            continue
        vector = np.ascontiguousarray(scorer.featurizer.vector(payment).reshape(1, -1))
        index = history.index
        if half_precision:
            index = faiss.IndexScalarQuantizer(DIMS, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_L2)
            index.add(history.index.reconstruct_n(0, history.index.ntotal))
        begun = time.perf_counter_ns()
        distances, _ = index.search(vector, 5)
        timings.append((time.perf_counter_ns() - begun) / 1e6)
        if half_precision:
            exact, _ = history.index.search(vector, 5)
            distance_change.append(float(np.abs(np.sqrt(distances) - np.sqrt(exact)).max()))
    timings.sort()
    figures = {"searches": len(timings), "p50_ms": round(statistics.median(timings), 4),
               "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 4), "bytes_per_vector": bytes_per_vector}
    if half_precision:
        figures["largest_distance_change"] = round(max(distance_change), 5)
    return figures
