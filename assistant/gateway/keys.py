"""Typed keys for what the application holds: settings, the database engine, the Rasa client, the live hub, the
limits, the token verifier."""

from __future__ import annotations

import aiohttp
from aiohttp import web
from sqlalchemy.engine import Engine

from assistant.gateway.auth import TokenVerifier
from assistant.gateway.hub import Hub
from assistant.gateway.rasa_client import RasaClient
from assistant.gateway.suggestions import ArticleSuggester
from assistant.ratelimit.store import LimitStore
from assistant.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", Engine)
HTTP = web.AppKey("http", aiohttp.ClientSession)
RASA = web.AppKey("rasa", RasaClient)
HUB = web.AppKey("hub", Hub)
ARTICLES = web.AppKey("articles", ArticleSuggester)
LIMITS = web.AppKey("limits", LimitStore)
TOKENS = web.AppKey("tokens", TokenVerifier)
