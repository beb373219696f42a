"""Training the churn model and the next-product model on the generator's ground truth, held-out customers aside."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import lightgbm as lgb
import numpy as np
from sqlmodel import Session, select
from tqdm import tqdm

from assistant.bank.models import CustomerOutcome
from assistant.models.features import FEATURE_NAMES, FeatureTable, customer_features
from assistant.progress import progress_bar

HELD_OUT_PERCENT = 25
_COMMON = {"feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 7, "deterministic": True,
           "num_threads": 1, "verbose": -1}
# Small, shallow trees: a few hundred customers are enough for them, and the interactions behind churn are pairs.
CHURN_PARAMS = dict(_COMMON, objective="binary", num_leaves=4, min_data_in_leaf=30, learning_rate=0.03,
                    lambda_l2=5.0, feature_fraction=0.7)
CHURN_ROUNDS = 300
OFFER_PARAMS = dict(_COMMON, objective="multiclass", num_leaves=7, min_data_in_leaf=10, learning_rate=0.03,
                    lambda_l2=1.0)
OFFER_ROUNDS = 200


def is_held_out(customer_id: int) -> bool:
    """Whether a customer is kept out of training for measurement (a fixed share, by a hash of the id)."""
    digest = hashlib.sha256(f"held-out:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


@dataclass(frozen=True)
class Dataset:
    """Features and ground truth for every customer that has an outcome."""

    features: FeatureTable
    churned: np.ndarray  # bool per row
    next_product: list[str | None]
    held_out: np.ndarray  # bool per row

    @property
    def train(self) -> np.ndarray:
        """Row mask of the training customers."""
        return ~self.held_out


def load_dataset(session: Session) -> Dataset:
    """Features at the outcomes' as-of date, with the labels, for every customer the generator labelled."""
    outcomes = {o.customer_id: o for o in session.exec(select(CustomerOutcome))}
    if not outcomes:
        raise LookupError("the bank has no customer outcomes to train on: seed it with `python -m assistant seed`")
    as_of: date = next(iter(outcomes.values())).as_of
    table = customer_features(session, as_of=as_of)
    keep = [i for i, customer_id in enumerate(table.customer_ids) if customer_id in outcomes]
    table = FeatureTable(as_of, [table.customer_ids[i] for i in keep], table.values[keep])
    rows = [outcomes[customer_id] for customer_id in table.customer_ids]
    return Dataset(table, np.array([o.churned for o in rows]), [o.next_product for o in rows],
                   np.array([is_held_out(customer_id) for customer_id in table.customer_ids]))


def _progress(bar: tqdm):
    def callback(env: lgb.callback.CallbackEnv) -> None:
        bar.update(1)
    return callback


def _fit(params: dict, rounds: int, data: lgb.Dataset, label: str, progress: bool) -> lgb.Booster:
    with progress_bar(total=rounds, desc=f"training {label}", unit="round", enabled=progress) as bar:
        return lgb.train(params, data, num_boost_round=rounds, callbacks=[_progress(bar)])


def train_churn(dataset: Dataset, progress: bool = True) -> lgb.Booster:
    """LightGBM on the training customers: probability of closing the accounts within the horizon."""
    mask = dataset.train
    data = lgb.Dataset(dataset.features.values[mask], label=dataset.churned[mask].astype(int),
                       feature_name=list(FEATURE_NAMES), free_raw_data=False)
    return _fit(CHURN_PARAMS, CHURN_ROUNDS, data, "churn", progress)


def offer_rows(dataset: Dataset, mask: np.ndarray) -> np.ndarray:
    """Rows (within a mask) of customers who took up a product next."""
    return np.array([i for i in np.flatnonzero(mask) if dataset.next_product[i] is not None], dtype=int)


def train_next_product(dataset: Dataset, progress: bool = True) -> tuple[lgb.Booster, list[str]]:
    """LightGBM multiclass on the training customers who took up a product: which one it was."""
    rows = offer_rows(dataset, dataset.train)
    products = sorted({dataset.next_product[i] for i in rows})
    labels = np.array([products.index(dataset.next_product[i]) for i in rows])
    data = lgb.Dataset(dataset.features.values[rows], label=labels, feature_name=list(FEATURE_NAMES),
                       free_raw_data=False)
    params = dict(OFFER_PARAMS, num_class=len(products))
    return _fit(params, OFFER_ROUNDS, data, "next product", progress), products
