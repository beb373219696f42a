"""Calibration: the threshold keeps to its false-positive rate and is read from where it was saved."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.alerts.calibration import Calibration, NotCalibrated, alert_threshold, calibration_path, save
from assistant.alerts.calibration import threshold_for
from assistant.settings import Settings


def test_threshold_alerts_on_at_most_the_target_share_of_normal_payments():
    normal = np.random.default_rng(0).gamma(2.0, 1.0, 10_000)
    threshold = threshold_for(normal, 0.01)
    assert (normal >= threshold).mean() <= 0.0101


def test_alert_threshold_setting_wins_over_the_calibration_file(tmp_path):
    settings = Settings(build_dir=tmp_path, alert_threshold="7.5")
    save(Calibration(3.0, 0.01, 10, 100), calibration_path(settings))
    assert alert_threshold(settings) == 7.5
    assert alert_threshold(Settings(build_dir=tmp_path, alert_threshold="")) == 3.0
    assert json.loads(calibration_path(settings).read_text())["tuning_negatives"] == 100


def test_calibrating_needs_normal_payments():
    with pytest.raises(ValueError):
        threshold_for(np.array([]))


def test_no_setting_and_no_calibration_anywhere_is_not_calibrated(tmp_path, monkeypatch):
    import assistant.alerts.calibration as calibration

    monkeypatch.setattr(calibration, "SHIPPED", tmp_path / "missing.json")
    with pytest.raises(NotCalibrated):
        alert_threshold(Settings(build_dir=tmp_path, alert_threshold=""))
