"""`make bench-load`'s machinery, in short: twenty Locust customers chat the whole mix for 30 s against the running
assistant and every turn is answered (the full steps and their figures are `make bench-load`, never a test)."""

from __future__ import annotations

import json
import subprocess

import pytest

from assistant.load.mix import TURN_KINDS
from assistant.local_stack import APP_PYTHON, ROOT, Stack

pytestmark = pytest.mark.e2e

# Customers no other end-to-end test chats as (the stack's bank has 200).
FIRST_CUSTOMER = 170
CUSTOMERS = 20


@pytest.fixture(scope="module")
def short_run(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, dict]:
    """One 30-second step of 20 customers, each sending a message every 5 s (about 120 turns, so every kind is sent)."""
    out = tmp_path_factory.mktemp("load") / "load.json"
    ran = subprocess.run(
        [str(APP_PYTHON), "-m", "assistant.load", "--gateway", stack.gateway_url, "--steps", str(CUSTOMERS),
         "--seconds", "30", "--pacing", "5", "--first-customer", str(FIRST_CUSTOMER), "--out", str(out)],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=300)
    return ran, (json.loads(out.read_text()) if out.exists() else {})


def test_the_short_run_finishes_and_writes_its_json(short_run) -> None:
    ran, figures = short_run
    assert (ran.returncode, [step["customers"] for step in figures.get("steps", [])]) == (0, [CUSTOMERS]), ran.stderr


def test_every_turn_of_the_short_run_is_answered(short_run) -> None:
    _, figures = short_run
    (step,) = figures["steps"]
    assert (step["errors"], step["error_examples"]) == (0, []), step


def test_every_kind_of_turn_is_timed_in_the_short_run(short_run) -> None:
    _, figures = short_run
    (step,) = figures["steps"]
    assert set(TURN_KINDS) <= set(step["by_kind"]), step["by_kind"]


def test_the_cpu_of_the_gateway_rasa_and_the_action_server_is_measured(short_run) -> None:
    _, figures = short_run
    assert figures["services_measured"] == ["actions", "gateway", "rasa"], figures
