"""`make bench-load`'s session growth step, in short: one customer's session grows to 10 and then 30 events, a few
of Rasa's turns are timed at each, and the figures are written (the full 10/100/300 run is the benchmark's)."""

from __future__ import annotations

import json
import subprocess

import pytest

from assistant.local_stack import APP_PYTHON, ROOT, Stack

pytestmark = pytest.mark.e2e

CUSTOMER = 195  # no other end-to-end test chats as this customer (the stack's bank has 200)


@pytest.fixture(scope="module")
def short_run(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, dict]:
    """Checkpoints at 10 and 30 events, three timed turns each, against the running assistant."""
    out = tmp_path_factory.mktemp("session-growth") / "session-growth.json"
    ran = subprocess.run(
        [str(APP_PYTHON), "-m", "assistant.load.session_growth", "--gateway", stack.gateway_url, "--rasa",
         stack.rasa_url, "--customer", str(CUSTOMER), "--checkpoints", "10,30", "--turns", "3", "--out", str(out)],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=300)
    return ran, (json.loads(out.read_text()) if out.exists() else {})


def test_the_short_run_writes_both_checkpoints(short_run) -> None:
    ran, figures = short_run
    assert (ran.returncode, [c["events"] for c in figures.get("checkpoints", [])]) == (0, [10, 30]), ran.stderr


def test_each_checkpoints_turns_are_timed_at_its_session_length(short_run) -> None:
    _, figures = short_run
    assert [(c["runs"], c["events_seen"][0] >= c["events"]) for c in figures["checkpoints"]] == [(3, True)] * 2


def test_rasas_cpu_a_turn_is_measured_at_each_checkpoint(short_run) -> None:
    _, figures = short_run
    assert all(c["rasa_cpu_ms_per_turn"] >= 0 for c in figures["checkpoints"]), figures
