"""Reasons come from the model's own contributions and read as plain sentences."""

from __future__ import annotations

import numpy as np
from sqlmodel import Session

from assistant.models.artefacts import TrainedModels
from assistant.models.explanations import contributions, reasons
from assistant.models.features import FEATURE_NAMES
from assistant.models.scoring import customer_view
from assistant.models.sentences import sentence
from tests.models.conftest import NOW


def test_reasons_are_the_sentences_of_the_largest_positive_contributions(bank: Session, models: TrainedModels) -> None:
    view = customer_view(bank, 12, NOW)
    contributed = contributions(models.churn, view.values)
    expected = [(FEATURE_NAMES[i], sentence(FEATURE_NAMES[i], view.values[i])) for i in np.argsort(-contributed)
                if contributed[i] > 0 and sentence(FEATURE_NAMES[i], view.values[i])][:3]
    assert [(r.feature, r.sentence) for r in reasons(view.values, contributed)] == expected


def test_contributions_add_up_to_the_models_raw_score(bank: Session, models: TrainedModels) -> None:
    view = customer_view(bank, 12, NOW)
    raw = models.churn.predict(view.values.reshape(1, -1), raw_score=True)[0]
    full = models.churn.predict(view.values.reshape(1, -1), pred_contrib=True)[0]
    assert abs(full.sum() - raw) < 1e-6 and np.allclose(full[:-1], contributions(models.churn, view.values))


def test_a_feature_with_nothing_to_say_gives_no_reason_however_large() -> None:
    values = np.zeros(len(FEATURE_NAMES))
    values[FEATURE_NAMES.index("months_balance_falling")] = 3
    contributed = np.zeros(len(FEATURE_NAMES))
    contributed[FEATURE_NAMES.index("fx_fee_months")] = 2.0  # no fees paid: nothing to tell the customer
    contributed[FEATURE_NAMES.index("months_balance_falling")] = 0.5
    assert [r.sentence for r in reasons(values, contributed)] == ["your balance has fallen for three months"]


def test_age_is_never_given_as_a_reason() -> None:
    values = np.full(len(FEATURE_NAMES), 30.0)
    contributed = np.zeros(len(FEATURE_NAMES))
    contributed[FEATURE_NAMES.index("age")] = 5.0
    assert reasons(values, contributed) == []


def test_foreign_fees_in_most_months_read_as_every_month() -> None:
    assert sentence("fx_fee_months", 11) == "you pay foreign transaction fees every month"
