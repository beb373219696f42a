"""A small seeded bank with models trained on it, shared by the model tests (seeding and training take seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.db import make_engine
from assistant.models.artefacts import TrainedModels, load
from tests.trained_banks import trained_bank_folder

AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)
CUSTOMERS = 400


@dataclass(frozen=True)
class TrainedBank:
    """The seeded bank, where its models were saved, and the models loaded back."""

    engine: Engine
    models_dir: Path
    models: TrainedModels


@pytest.fixture(scope="session")
def trained_bank(tmp_path_factory) -> Iterator[TrainedBank]:
    """400 seeded customers (as of 20 November 2026) and both models trained on them (built once per run)."""
    folder = trained_bank_folder(tmp_path_factory, "trained-bank", CUSTOMERS, AS_OF)
    engine = make_engine(f"sqlite:///{folder / 'bank.db'}")
    yield TrainedBank(engine, folder / "models", load(folder / "models"))
    engine.dispose()


@pytest.fixture
def bank(trained_bank: TrainedBank) -> Iterator[Session]:
    """A session on the trained bank whose changes are rolled back after the test."""
    with Session(trained_bank.engine, expire_on_commit=False) as session:
        yield session
        session.rollback()


@pytest.fixture
def models(trained_bank: TrainedBank) -> TrainedModels:
    """The models trained on the small bank."""
    return trained_bank.models
