"""The action server as a real process: only a caller with ACTION_SERVER_TOKEN (Rasa) gets an action run or listed."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from assistant.local_stack import APP_PYTHON, ROOT, free_port

TOKEN = "action-server-test-token"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m actions.server` on a free local port with a token of the test's own; its base URL."""
    port = free_port()
    workdir = tmp_path_factory.mktemp("action-server")
    env = {**os.environ, "ASSISTANT_PROFILE": "embedded", "ACTION_PORT": str(port), "ACTION_SERVER_TOKEN": TOKEN,
           "DATABASE_URL": f"sqlite:///{workdir / 'bank.db'}"}
    log = open(workdir / "actions.log", "wb")
    server = subprocess.Popen([str(APP_PYTHON), "-m", "actions.server"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the action server did not start: {(workdir / 'actions.log').read_text()}")
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def _call(url: str, token: str | None, body: bytes | None = None) -> int:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


ACTION_CALL = json.dumps({"next_action": "action_show_balance", "sender_id": "cust-1-x", "version": "3.6.21",
                          "tracker": {"sender_id": "cust-1-x", "slots": {}, "latest_message": {}, "events": []},
                          "domain": {}}).encode()


@pytest.mark.parametrize("token", [None, "a-guessed-token", TOKEN.upper()])
def test_an_action_call_without_the_token_is_refused(action_server: str, token: str | None) -> None:
    assert _call(action_server + "/webhook", token, ACTION_CALL) == 401


def test_the_action_list_is_not_shown_without_the_token(action_server: str) -> None:
    assert (_call(action_server + "/actions", None), _call(action_server + "/actions", TOKEN)) == (401, 200)


def test_a_call_with_the_token_runs_the_action(action_server: str) -> None:
    assert _call(action_server + "/webhook", TOKEN, ACTION_CALL) == 200


def test_the_health_check_needs_no_token(action_server: str) -> None:
    assert _call(action_server + "/health", None) == 200
