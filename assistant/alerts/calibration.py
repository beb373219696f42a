"""The alert threshold: chosen on the tuning customers for a target false-positive rate, saved as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.settings import Settings

TARGET_FALSE_POSITIVE_RATE = 0.01
# The calibration shipped with the code (`python -m assistant.alerts eval` output, copied here when it changes),
# so a fresh checkout alerts before anyone has run the evaluation.
SHIPPED = Path(__file__).resolve().parent / "calibration.json"


class NotCalibrated(Exception):
    """No threshold was set and none has been calibrated yet (run `python -m assistant.alerts eval`)."""


@dataclass(frozen=True)
class Calibration:
    """A threshold and the tuning data it was chosen on."""

    threshold: float
    target_false_positive_rate: float
    tuning_customers: int
    tuning_negatives: int


def threshold_for(negative_scores: np.ndarray, false_positive_rate: float = TARGET_FALSE_POSITIVE_RATE) -> float:
    """The lowest score that alerts on at most `false_positive_rate` of normal payments."""
    if len(negative_scores) == 0:
        raise ValueError("calibration needs normal payments to score")
    return float(np.quantile(negative_scores, 1 - false_positive_rate, method="higher"))


def calibration_path(settings: Settings) -> Path:
    """Where the calibrated threshold is kept."""
    return settings.build_dir / "alerts" / "calibration.json"


def save(calibration: Calibration, path: Path) -> None:
    """Write a calibration as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(calibration), indent=2))


def alert_threshold(settings: Settings) -> float:
    """ALERT_THRESHOLD when set, else the latest calibration (built, then shipped); NotCalibrated if none."""
    if settings.alert_threshold:
        return float(settings.alert_threshold)
    for path in (calibration_path(settings), SHIPPED):
        if path.exists():
            return float(json.loads(path.read_text())["threshold"])
    raise NotCalibrated("no ALERT_THRESHOLD and no calibration; run `python -m assistant.alerts eval`")
