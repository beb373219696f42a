"""`python -m assistant seed`: arguments, --if-empty and the summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant.db import make_engine
from tests.seed.helpers import bank_digest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True)


def test_the_command_seeds_a_bank_and_prints_a_summary(tmp_path: Path) -> None:
    result = _run("seed", "--customers", "3", "--as-of", "2026-11-20", "--database-url", f"sqlite:///{tmp_path / 'b.db'}")
    assert (result.returncode, result.stdout.startswith("Seeded 3 customers")) == (0, True)


def test_if_empty_leaves_a_seeded_bank_unchanged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    _run("seed", "--customers", "3", "--as-of", "2026-11-20", "--database-url", url)
    before = bank_digest(make_engine(url))
    again = _run("seed", "--customers", "5", "--seed", "8", "--if-empty", "--database-url", url)
    assert (again.returncode, "already seeded" in again.stdout, bank_digest(make_engine(url))) == (0, True, before)


def test_seeding_a_seeded_bank_without_if_empty_fails_with_a_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    _run("seed", "--customers", "2", "--as-of", "2026-11-20", "--database-url", url)
    again = _run("seed", "--customers", "2", "--as-of", "2026-11-20", "--database-url", url)
    assert (again.returncode, "already has 2 customers" in again.stderr) == (1, True)


def test_a_bad_date_is_refused_by_the_argument_parser(tmp_path: Path) -> None:
    result = _run("seed", "--as-of", "yesterday", "--database-url", f"sqlite:///{tmp_path / 'b.db'}")
    assert (result.returncode, "not a date" in result.stderr, (tmp_path / "b.db").exists()) == (2, True, False)


def test_a_customer_count_below_one_is_refused(tmp_path: Path) -> None:
    result = _run("seed", "--customers", "0", "--database-url", f"sqlite:///{tmp_path / 'b.db'}")
    assert (result.returncode, "at least 1" in result.stderr) == (2, True)


def test_a_command_is_required() -> None:
    assert _run().returncode == 2


def test_an_unusable_database_url_gets_a_message_not_a_traceback() -> None:
    result = _run("seed", "--customers", "1", "--database-url", "not-a-database-url")
    assert (result.returncode, "Cannot use the database" in result.stderr, "Traceback" in result.stderr) == (1, True, False)


def test_more_months_than_the_generator_supports_are_refused() -> None:
    result = _run("seed", "--months", "120", "--database-url", "sqlite:///unused.db")
    assert (result.returncode, "between 3 and 48" in result.stderr) == (2, True)


def test_a_customer_count_that_is_not_a_number_is_refused_with_a_message() -> None:
    result = _run("seed", "--customers", "lots", "--database-url", "sqlite:///unused.db")
    assert (result.returncode, "not a whole number: 'lots'" in result.stderr) == (2, True)
