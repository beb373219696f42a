"""A seeded bank with its churn and offer models trained on it, built once per test run (tests/once_per_run.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from assistant.db import create_schema, make_engine
from assistant.models.build import build_models
from assistant.seed.writer import seed_bank
from tests.once_per_run import built_once, own_copy

DATABASE = "bank.db"
MODELS = "models"


def trained_bank_folder(tmp_path_factory: pytest.TempPathFactory, name: str, customers: int, as_of: date) -> Path:
    """A folder of this worker's own holding `bank.db` (customers seeded with seed 7 as of `as_of`) and `models/`
    (both models trained on that bank); the seeding and training happen once per run, whatever the workers."""

    def seed_and_train(folder: Path) -> None:
        engine = make_engine(f"sqlite:///{folder / DATABASE}")
        create_schema(engine)
        seed_bank(engine, customers=customers, seed=7, as_of=as_of, progress=False)
        with Session(engine) as session:
            build_models(session, folder / MODELS, progress=False)
        engine.dispose()

    shared = built_once(tmp_path_factory, f"{name}-{customers}-{as_of.isoformat()}", seed_and_train)
    return own_copy(shared, tmp_path_factory.mktemp(name), DATABASE)
