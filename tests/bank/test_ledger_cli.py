"""`python -m assistant ledger check`: exit 0 and a summary when clean, 1 and the accounts when not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from assistant.db import create_schema, make_engine
from tests.builders import build_customer

ROOT = Path(__file__).resolve().parents[2]


def _check(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "ledger", "check", "--database-url", url],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_check_passes_on_a_clean_bank_and_lists_a_tampered_account(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with Session(engine) as session:
        records = build_customer(session)
        session.commit()
        account_id = records.savings.id
    clean = _check(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE account SET balance_minor = balance_minor + 5 WHERE id = :id"),
                           {"id": account_id})
    dirty = _check(url)
    assert (clean.returncode, "ledger clean: 3 accounts, 0 entries" in clean.stdout) == (0, True), clean.stderr
    assert (dirty.returncode, f"account {account_id}: balance 1200005" in dirty.stderr,
            "off by 5" in dirty.stderr) == (1, True, True), dirty.stderr
