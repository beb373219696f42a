"""The feed served on a loopback port in the production profile: its factory's app over a seeded SQLite bank, with
two sources, for the synchronous feed matrix and Schemathesis (tests/loopback.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.db import create_schema, make_engine
from assistant.feed.app import init_app
from assistant.settings import Settings
from tests.builders import build_customer
from tests.databases import fresh_redis_prefix
from tests.gateway.served import production_environment, production_settings
from tests.identity_provider import IdentityProvider
from tests.loopback import LoopbackServers

SOURCES = {"core-banking": "matrix-core-banking-secret-of-32-bytes", "cards": "matrix-cards-processor-secret-32-bytes"}


@dataclass
class ServedFeed:
    """A running production feed and its bank."""

    url: str
    settings: Settings
    engine: Engine
    servers: LoopbackServers


@pytest.fixture(scope="module")
def served_feed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedFeed]:
    """The production feed from its factory on a loopback port, for the whole test module."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('served-feed') / 'bank.db'}"
    engine = make_engine(database_url)
    create_schema(engine)
    with Session(engine) as db:
        build_customer(db, 1)
        build_customer(db, 2)
        db.commit()
    redis_prefix = fresh_redis_prefix()
    # The whole production configuration must pass the start-up check, the identity provider's settings included
    # (the feed does not use them; nothing listens there).
    identity = IdentityProvider(url="http://127.0.0.1:9").env()
    settings = production_settings({**production_environment(database_url, "http://127.0.0.1:9", next(redis_prefix)),
                                    **identity, "FEED_SOURCES": ",".join(f"{n}:{s}" for n, s in SOURCES.items())})
    servers = LoopbackServers()
    url = servers.run(servers.serve(init_app(settings)))
    yield ServedFeed(url, settings, engine, servers)
    servers.close()
    engine.dispose()
    redis_prefix.close()
