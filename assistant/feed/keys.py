"""Typed keys for what the feed application holds: settings, sources, the database, record limits, the wake-up of
the inbox's workers, and the in-process drain when the feed drains its own inbox."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.engine import Engine

from assistant.alerts.records import RecordLimits
from assistant.feed.drain import InboxDrain
from assistant.feed.wakeup import Wakeup
from assistant.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
SOURCES = web.AppKey("sources", dict)
ENGINE = web.AppKey("engine", Engine)
LIMITS = web.AppKey("record_limits", RecordLimits)
WAKEUP = web.AppKey("inbox_wakeup", Wakeup)
DRAIN = web.AppKey("inbox_drain", InboxDrain)
