"""Saved models carry their version, fingerprint, metrics and card; a different feature version is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session

from assistant.bank.models import Transaction
from assistant.models.__main__ import main
from assistant.models.artefacts import (
    CARD_FILE,
    MANIFEST,
    ModelNotTrained,
    ModelVersionMismatch,
    data_fingerprint,
    load,
)
from assistant.models.build import build_models
from assistant.models.features import FEATURE_VERSION
from assistant.seed.writer import seed_bank
from tests.models.conftest import AS_OF, NOW, TrainedBank


def test_a_model_from_a_different_feature_version_is_refused_with_a_clear_error(
        trained_bank: TrainedBank, tmp_path: Path) -> None:
    copy = shutil.copytree(trained_bank.models_dir, tmp_path / "models")
    manifest = json.loads((copy / MANIFEST).read_text())
    (copy / MANIFEST).write_text(json.dumps(dict(manifest, feature_version=FEATURE_VERSION + 1)))
    with pytest.raises(ModelVersionMismatch, match=f"trained on feature version {FEATURE_VERSION + 1}, but this code "
                                                   f"computes feature version {FEATURE_VERSION}: retrain"):
        load(copy)


def test_loading_where_nothing_was_trained_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(ModelNotTrained, match="python -m assistant.models train"):
        load(tmp_path)


def test_unchanged_data_and_code_are_not_trained_again(trained_bank: TrainedBank) -> None:
    with Session(trained_bank.engine) as session:
        again = build_models(session, trained_bank.models_dir, progress=False)
    assert (again.trained, again.manifest["trained_at"]) == (False, trained_bank.models.manifest["trained_at"])


def test_the_manifest_keeps_version_fingerprint_and_held_out_metrics(trained_bank: TrainedBank) -> None:
    manifest = trained_bank.models.manifest
    churn = manifest["metrics"]["churn"]["model"]
    assert (manifest["feature_version"], len(manifest["data_fingerprint"]), 0.5 < churn["auc"] <= 1) == (
        FEATURE_VERSION, 16, True)


def test_the_model_card_states_purpose_data_figures_and_limits(trained_bank: TrainedBank) -> None:
    card = (trained_bank.models_dir / CARD_FILE).read_text()
    assert all(heading in card for heading in ("## What they are for", "## Data", "## Figures on held-out customers",
                                                "## Known limits"))


def test_the_data_fingerprint_changes_when_the_bank_changes(engine) -> None:
    seed_bank(engine, customers=3, seed=7, as_of=AS_OF, progress=False)
    with Session(engine) as session:
        before = data_fingerprint(session)
        session.add(Transaction(external_id="late", customer_id=1, account_id=1, booked_at=NOW, amount_minor=-500,
                                merchant="Tesco", category="groceries", channel="card_present"))
        session.commit()
        assert data_fingerprint(session) != before


def test_the_report_command_without_trained_models_says_how_to_train(trained_bank: TrainedBank, tmp_path: Path,
                                                                    capsys) -> None:
    url = trained_bank.engine.url.render_as_string(hide_password=False)
    code = main(["--database-url", url, "--models-dir", str(tmp_path), "report"])
    assert (code, "python -m assistant.models train" in capsys.readouterr().err) == (1, True)
