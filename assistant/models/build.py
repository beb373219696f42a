"""Training only when needed: when the data fingerprint or the code version differs from the saved models'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlmodel import Session

from assistant.models import artefacts
from assistant.models.artefacts import TrainedModels
from assistant.models.evaluation import reference_bins
from assistant.models.features import FEATURE_VERSION
from assistant.models.model_card import model_card
from assistant.models.report import build_report
from assistant.models.training import load_dataset, train_churn, train_next_product
from assistant.bank.models import CHURN_HORIZON_DAYS


@dataclass(frozen=True)
class BuildResult:
    """Whether models were trained this time, and the manifest of the models now saved."""

    trained: bool
    manifest: dict[str, Any]
    report: dict[str, Any] | None = None


def up_to_date(manifest: dict[str, Any] | None, fingerprint: str, code: str) -> bool:
    """Whether saved models were trained on this data by this code."""
    return bool(manifest) and manifest.get("feature_version") == FEATURE_VERSION and \
        manifest.get("data_fingerprint") == fingerprint and manifest.get("code_version") == code


def build_models(session: Session, directory: Path, force: bool = False, progress: bool = True) -> BuildResult:
    """Train, measure and save both models unless the saved ones are up to date (or `force`)."""
    fingerprint, code = artefacts.data_fingerprint(session), artefacts.code_version()
    existing = artefacts.read_manifest(directory)
    if not force and up_to_date(existing, fingerprint, code):
        return BuildResult(False, existing)
    dataset = load_dataset(session)
    churn = train_churn(dataset, progress)
    next_product, products = train_next_product(dataset, progress)
    training = dataset.features.values[dataset.train]
    manifest: dict[str, Any] = {
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "as_of": dataset.features.as_of.isoformat(), "horizon_days": CHURN_HORIZON_DAYS,
        "data_fingerprint": fingerprint, "code_version": code, "feature_version": FEATURE_VERSION,
        "training_customers": int(dataset.train.sum()), "held_out_customers": int(dataset.held_out.sum()),
        "churn_rate": float(dataset.churned[dataset.train].mean()), "products": products,
        "feature_bins": reference_bins(training),
    }
    report = build_report(session, TrainedModels(churn, next_product, products, manifest), dataset)
    manifest["metrics"] = {
        "churn": {key: report["churn"][key] for key in ("model", "logistic_regression_baseline")},
        "next_best_offer": {key: report["next_best_offer"][key] for key in ("model", "most_popular_baseline")},
        "cross_validation_5_fold": report["cross_validation_5_fold"],
    }
    artefacts.save(directory, churn, next_product, products, manifest, model_card(manifest))
    return BuildResult(True, artefacts.read_manifest(directory), report)
