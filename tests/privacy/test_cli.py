"""`python -m assistant privacy export|erase CUSTOMER`: clear refusals, a confirmation before erasing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.__main__ import main
from assistant.bank.models import Customer
from assistant.settings import get_settings
from tests.privacy.conftest import SECRET, Held


@pytest.fixture
def options(sqlite_engine: Engine, sqlite_tracker_store: Engine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("CONVERSATION_SECRET", SECRET)
    get_settings.cache_clear()
    yield ["--database-url", sqlite_engine.url.render_as_string(hide_password=False),
           "--tracker-store-url", sqlite_tracker_store.url.render_as_string(hide_password=False)]
    get_settings.cache_clear()


def test_export_writes_the_customers_data_as_json(options: list[str], customers: list[Held], tmp_path: Path) -> None:
    out = tmp_path / "customer-1.json"
    assert main(["privacy", "export", "1", "--out", str(out), *options]) == 0
    export = json.loads(out.read_text())
    assert (export["customer_id"], export["bank"]["customer"][0]["full_name"]) == (1, "Alex Morgan 1")
    assert export["conversations"]


def test_an_unknown_customer_is_refused_by_name(options: list[str], customers: list[Held],
                                                capsys: pytest.CaptureFixture) -> None:
    assert main(["privacy", "export", "999", *options]) == 1
    assert main(["privacy", "erase", "999", "--yes", *options]) == 1
    assert capsys.readouterr().err.count("there is no customer 999") == 2


def test_erase_without_yes_changes_nothing(options: list[str], customers: list[Held], sqlite_engine: Engine,
                                          capsys: pytest.CaptureFixture) -> None:
    assert main(["privacy", "erase", "1", *options]) == 2
    assert "--yes" in capsys.readouterr().err
    with Session(sqlite_engine) as session:
        assert session.get(Customer, 1).full_name == "Alex Morgan 1"


def test_erase_with_yes_erases(options: list[str], customers: list[Held], sqlite_engine: Engine) -> None:
    assert main(["privacy", "erase", "1", "--yes", *options]) == 0
    with Session(sqlite_engine) as session:
        assert session.get(Customer, 1).full_name == "erased"
