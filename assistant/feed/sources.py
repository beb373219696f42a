"""The feed's sources: each system that may post transactions, by name, with its own signing secret."""

from __future__ import annotations

import re

SOURCE_HEADER = "X-Lumen-Feed-Source"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


class InvalidSources(ValueError):
    """FEED_SOURCES is not a list of `name:secret` pairs; the message says which entry is wrong."""


def parse_sources(text: str) -> dict[str, str]:
    """The sources named in FEED_SOURCES ("name:secret,name2:secret2") as {name: secret}."""
    sources: dict[str, str] = {}
    for position, entry in enumerate(text.split(","), start=1):
        name, separator, secret = entry.strip().partition(":")
        if not separator or not secret.strip():
            raise InvalidSources(f"FEED_SOURCES entry {position} is not `name:secret`")
        if not _NAME.match(name):
            raise InvalidSources(f"FEED_SOURCES entry {position}: a source name is lower-case letters, digits, "
                                 "'.', '_' or '-' (at most 40)")
        if name in sources:
            raise InvalidSources(f"FEED_SOURCES names the source {name!r} twice")
        sources[name] = secret.strip()
    return sources
