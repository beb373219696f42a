"""The report: held-out quality against baselines, by age band, and drift per feature."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlmodel import Session

from assistant.models.__main__ import main
from assistant.models.artefacts import TrainedModels
from assistant.models.evaluation import AGE_BANDS, psi, reference_bins
from assistant.models.features import FEATURE_NAMES
from assistant.models.report import build_report
from assistant.models.training import load_dataset
from tests.models.conftest import CUSTOMERS, TrainedBank


@pytest.fixture(scope="module")
def report(trained_bank: TrainedBank) -> dict:
    """The report on the trained bank, built once: it cross-validates both models, seconds of work each time."""
    with Session(trained_bank.engine) as session:
        return build_report(session, trained_bank.models)


def test_the_report_covers_both_models_their_baselines_every_age_band_and_every_feature(report: dict) -> None:
    shape = (sorted(report["churn"]["by_age_band"]), sorted(report["next_best_offer"]["by_age_band"]),
             sorted(report["drift"]["psi"]))
    assert shape == (sorted(b[2] for b in AGE_BANDS), sorted(b[2] for b in AGE_BANDS), sorted(FEATURE_NAMES))


def test_both_models_beat_their_baselines_on_held_out_customers(report: dict) -> None:
    churn, offers = report["churn"], report["next_best_offer"]
    assert churn["model"]["auc"] > churn["logistic_regression_baseline"]["auc"] and \
        offers["model"]["hit_rate_at_3"] > offers["most_popular_baseline"]["hit_rate_at_3"]


def test_unchanged_data_shows_no_drift(report: dict) -> None:
    assert report["drift"]["features_over_0_2"] == []


def test_psi_flags_a_shifted_feature_and_not_a_resample() -> None:
    rng = np.random.default_rng(7)
    training = rng.normal(0, 1, (2000, 1))
    reference = reference_bins(training)[0]
    same, shifted = rng.normal(0, 1, 2000), rng.normal(1, 1, 2000)
    assert psi(reference["shares"], same, reference["edges"]) < 0.05 < 0.2 < psi(
        reference["shares"], shifted, reference["edges"])


def test_the_report_command_prints_json(trained_bank: TrainedBank, capsys) -> None:
    url = trained_bank.engine.url.render_as_string(hide_password=False)
    code = main(["--database-url", url, "--models-dir", str(trained_bank.models_dir), "report"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed["model_version"].startswith("f")


def test_cross_validation_scores_every_labelled_customer_once(report: dict, bank: Session) -> None:
    folds = report["cross_validation_5_fold"]
    takers = sum(1 for code in load_dataset(bank).next_product if code is not None)
    assert (folds["churn"]["model"]["customers"], folds["next_best_offer"]["model"]["customers"]) == (
        CUSTOMERS, takers)
