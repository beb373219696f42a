"""Progress bars for long jobs: drawn on a terminal, silent in CI logs and pipes (no per-batch lines there)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from tqdm import tqdm


def on_terminal() -> bool:
    """True when progress would be seen by a person (stderr is a terminal)."""
    return sys.stderr.isatty()


def progress_bar(iterable: Iterable | None = None, *, enabled: bool = True, **options: Any) -> tqdm:
    """A tqdm bar that draws only when `enabled` and on a terminal (tqdm's `disable=None`)."""
    return tqdm(iterable, disable=None if enabled else True, **options)
