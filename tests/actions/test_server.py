"""The action server as a real process: only a caller with ACTION_SERVER_TOKEN (Rasa) gets an action run or listed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.actions.server_process import action_server_process

TOKEN = "action-server-test-token"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m actions.server` on a free local port with a token of the test's own; its base URL."""
    with action_server_process(tmp_path_factory.mktemp("action-server"), TOKEN) as base:
        yield base


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


def test_the_health_check_names_what_could_not_be_loaded(action_server: str) -> None:
    # The fixture's build folder is empty: no knowledge index, no trained models, and still a server that answers.
    with urllib.request.urlopen(action_server + "/health", timeout=5) as response:
        assert json.loads(response.read()) == {"status": "ok", "unavailable": ["knowledge", "models"]}
