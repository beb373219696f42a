"""The feed's OpenAPI document (assistant/feed/openapi.yaml), read once and served as JSON."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DOCUMENT = Path(__file__).resolve().parent / "openapi.yaml"


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, read once."""
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
