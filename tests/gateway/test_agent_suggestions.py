"""Suggested articles for the customer's last message, from the knowledge index (loaded once per app)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from assistant.gateway.keys import SETTINGS
from assistant.knowledge.articles import ARTICLES_DIR
from assistant.knowledge.index import build_index
from tests.gateway.agent_fixtures import Agents, agent_token, agents, hand_off  # noqa: F401
from tests.gateway.conftest import GatewayFactory, RasaStandIn, bearer

ARTICLES = ["card-arrival.md", "change-pin.md", "daily-transfer-limit.md"]


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder with an index of three articles (no question bank, to keep it quick)."""
    root = tmp_path_factory.mktemp("build")
    articles = root / "articles"
    articles.mkdir()
    for name in ARTICLES:
        shutil.copy(ARTICLES_DIR / name, articles / name)
    build_index(root / "knowledge" / "index", articles_dir=articles, progress=False, bank=root / "no-bank.csv")
    return root


async def test_suggestions_are_the_closest_articles_to_the_customers_last_message(
    gateway: GatewayFactory, build_dir: Path, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine
) -> None:
    client = await gateway(BUILD_DIR=str(build_dir))
    ticket = hand_off(sqlite_engine, rasa, client.server.app[SETTINGS], 1,
                      said="my new card still hasn't come in the post")
    token = await agent_token(client, "alex@lumen.example")
    body = await (await client.get(f"/api/v1/agent/tickets/{ticket}/suggestions", headers=bearer(token))).json()
    assert (body["for_message"], body["articles"][0]["id"], bool(body["articles"][0]["answer"])) == (
        "my new card still hasn't come in the post", "card-arrival", True)


async def test_suggestions_without_a_built_index_are_503(
    gateway: GatewayFactory, tmp_path: Path, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine
) -> None:
    client = await gateway(BUILD_DIR=str(tmp_path / "empty"))
    ticket = hand_off(sqlite_engine, rasa, client.server.app[SETTINGS], 1)
    token = await agent_token(client, "alex@lumen.example")
    response = await client.get(f"/api/v1/agent/tickets/{ticket}/suggestions", headers=bearer(token))
    assert (response.status, (await response.json())["error"]["code"]) == (503, "knowledge_unavailable")
