"""Saving and loading the trained models with their version, training-data fingerprint, metrics and model card."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import lightgbm as lgb
from sqlalchemy import Integer, cast, func, select
from sqlmodel import Session

from assistant.bank.models import AppActivity, Complaint, Customer, CustomerOutcome, ProductHolding, Transaction
from assistant.models.features import FEATURE_NAMES, FEATURE_VERSION
from assistant.settings import get_settings

MANIFEST = "manifest.json"
CHURN_FILE = "churn.lgb.txt"
OFFER_FILE = "next_product.lgb.txt"
CARD_FILE = "model_card.md"
# The modules whose code decides what a trained model is; a change to any of them means retraining.
_CODE = ("features.py", "history.py", "training.py")


class ModelNotTrained(Exception):
    """There is no trained model where one was expected."""


class ModelVersionMismatch(Exception):
    """A saved model was trained on a different feature version than this code computes."""


@dataclass(frozen=True)
class TrainedModels:
    """The churn model and the next-product model, with what they were trained on."""

    churn: lgb.Booster
    next_product: lgb.Booster
    products: list[str]  # the next-product model's classes, in output order
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        """A short id of this training run (feature version and data fingerprint)."""
        return f"f{self.manifest['feature_version']}-{self.manifest['data_fingerprint'][:10]}"


def models_dir() -> Path:
    """Where the trained models live (MODELS_DIR, by default BUILD_DIR/models)."""
    return get_settings().models_dir


def code_version() -> str:
    """A digest of the feature version and the code that computes features and trains."""
    digest = hashlib.sha256(f"features:{FEATURE_VERSION}".encode())
    for name in _CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def data_fingerprint(session: Session) -> str:
    """A digest of the training data's extent: counts, id ranges and sums of every table the models read."""
    parts = [
        session.execute(select(func.count(), func.max(Customer.id)).select_from(Customer)).one(),
        session.execute(select(func.count(), func.max(Transaction.id), func.sum(Transaction.amount_minor),
                               func.max(Transaction.booked_at))).one(),
        session.execute(select(func.count(), func.sum(AppActivity.logins)).select_from(AppActivity)).one(),
        session.execute(select(func.count()).select_from(Complaint)).one(),
        session.execute(select(func.count()).select_from(ProductHolding)).one(),
        session.execute(select(func.count(), func.sum(cast(CustomerOutcome.churned, Integer)))
                        .select_from(CustomerOutcome)).one(),
    ]
    return hashlib.sha256(repr([tuple(str(v) for v in part) for part in parts]).encode()).hexdigest()[:16]


def save(directory: Path, churn: lgb.Booster, next_product: lgb.Booster, products: list[str],
         manifest: dict[str, Any], model_card: str) -> None:
    """Write both models, the manifest and the model card; the manifest last, so a half-written run never loads."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).unlink(missing_ok=True)
    churn.save_model(str(directory / CHURN_FILE))
    next_product.save_model(str(directory / OFFER_FILE))
    (directory / CARD_FILE).write_text(model_card)
    manifest = dict(manifest, feature_version=FEATURE_VERSION, feature_names=list(FEATURE_NAMES), products=products)
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2))


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The saved manifest, or None when nothing has been trained there."""
    path = directory / MANIFEST
    return json.loads(path.read_text()) if path.exists() else None


def load(directory: Path) -> TrainedModels:
    """Load the models; ModelVersionMismatch if they were trained on a different feature version."""
    manifest = read_manifest(directory)
    if manifest is None:
        raise ModelNotTrained(f"no trained models in {directory}: run `python -m assistant.models train`")
    if manifest.get("feature_version") != FEATURE_VERSION or manifest.get("feature_names") != list(FEATURE_NAMES):
        raise ModelVersionMismatch(
            f"the models in {directory} were trained on feature version {manifest.get('feature_version')}, "
            f"but this code computes feature version {FEATURE_VERSION}: retrain with "
            "`python -m assistant.models train`")
    return TrainedModels(churn=lgb.Booster(model_file=str(directory / CHURN_FILE)),
                         next_product=lgb.Booster(model_file=str(directory / OFFER_FILE)),
                         products=list(manifest["products"]), manifest=manifest)


@lru_cache(maxsize=1)
def current_models() -> TrainedModels:
    """The process-wide models from BUILD_DIR, loaded once."""
    return load(models_dir())
