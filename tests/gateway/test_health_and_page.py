"""The health check reports Rasa and the database; the web chat page and its assets are served."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient

from tests.actions.server_process import action_server_process

from tests.gateway.conftest import GatewayFactory, RasaStandIn, free_port


async def test_healthz_reports_rasa_ready_when_its_model_is_loaded(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert (response.status, await response.json()) == (
        200, {"status": "ok", "rasa": "ready", "actions": "unavailable", "database": "ok", "ready": False})


async def test_healthz_reports_rasa_unavailable_while_its_model_loads(client: TestClient, rasa: RasaStandIn) -> None:
    rasa.model_loaded = False
    response = await client.get("/healthz")
    assert (await response.json())["rasa"] == "unavailable"


async def test_healthz_reports_rasa_unavailable_when_nothing_listens(gateway: GatewayFactory) -> None:
    client = await gateway(RASA_URL=f"http://127.0.0.1:{free_port()}")
    response = await client.get("/healthz")
    assert (response.status, await response.json()) == (
        200, {"status": "ok", "rasa": "unavailable", "actions": "unavailable", "database": "ok", "ready": False})


async def test_healthz_reports_rasa_unavailable_with_the_wrong_rasa_token(gateway: GatewayFactory) -> None:
    client = await gateway(RASA_TOKEN="wrong-token")
    assert (await (await client.get("/healthz")).json())["rasa"] == "unavailable"


async def test_healthz_reports_ready_once_rasa_and_the_warmed_up_action_server_are(
        gateway: GatewayFactory, tmp_path: Path) -> None:
    with action_server_process(tmp_path, "gateway-health-test-token") as action_server:
        client = await gateway(ACTION_HEALTH_URL=f"{action_server}/health")
        body = await (await client.get("/healthz")).json()
    assert (body["actions"], body["ready"]) == ("ready", True)


async def test_chat_page_is_served_at_the_root(client: TestClient) -> None:
    response = await client.get("/")
    body = await response.text()
    assert (response.status, response.content_type, 'src="/static/chat.js"' in body) == (200, "text/html", True)


async def test_chat_page_forbids_scripts_from_elsewhere(client: TestClient) -> None:
    response = await client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_chat_script_and_stylesheet_are_served(client: TestClient) -> None:
    script = await client.get("/static/chat.js")
    style = await client.get("/static/chat.css")
    assert (script.status, style.status, style.content_type) == (200, 200, "text/css")


async def test_missing_static_file_is_404_json(client: TestClient) -> None:
    response = await client.get("/static/nothing.js")
    assert (response.status, (await response.json())["error"]["code"]) == (404, "not_found")
