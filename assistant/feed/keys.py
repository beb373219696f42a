"""Typed keys for what the feed application holds: settings, sources, the database, the queue and ingestion."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.engine import Engine

from assistant.alerts.pipeline import IngestionPipeline
from assistant.alerts.queues import TransactionQueue
from assistant.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
SOURCES = web.AppKey("sources", dict)
ENGINE = web.AppKey("engine", Engine)
QUEUE = web.AppKey("transaction_queue", TransactionQueue)
PIPELINE = web.AppKey("ingestion_pipeline", IngestionPipeline)
