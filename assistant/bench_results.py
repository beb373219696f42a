"""Benchmark figures as operators read them: printed as JSON and kept in a file under build/bench/."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path


def publish(figures: dict, out: Path | None) -> None:
    """Print the figures, stamped with when they were measured, and write them to `out` when given."""
    stamped = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **figures}
    text = json.dumps(stamped, indent=2)
    print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"written to {out}")
