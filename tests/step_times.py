"""A pytest plugin that prints the time each group of tests (tests/<group>/) took, so a slow group shows in CI logs.

Loaded from pytest.ini (`-p tests.step_times`). Under pytest-xdist it runs in the controller, which sees every
worker's reports; the figures are then the time spent in each group summed over workers.
"""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

_seconds: dict[str, float] = defaultdict(float)
_counts: dict[str, int] = defaultdict(int)
_started = time.monotonic()


def group_of(nodeid: str) -> str:
    """The test's group: the folder under tests/ it lives in (top-level test modules are their own group)."""
    parts = nodeid.split("::", 1)[0].split("/")
    if parts[0] == "tests":
        parts = parts[1:]
    return parts[0].removesuffix(".py") if parts else nodeid


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add each phase's duration (set-up, call, tear-down) to its group; count a test once, at its call."""
    group = group_of(report.nodeid)
    _seconds[group] += report.duration
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _counts[group] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the groups, slowest first, and the wall time of the whole run."""
    if not _seconds:
        return
    write = terminalreporter.write_line
    terminalreporter.section("time per test group (summed over workers)")
    for group, seconds in sorted(_seconds.items(), key=lambda item: -item[1]):
        write(f"  {group:<28} {seconds:8.1f} s  {_counts[group]:5d} tests")
    write(f"  {'wall time of the run':<28} {time.monotonic() - _started:8.1f} s")
