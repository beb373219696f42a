"""Expensive test inputs built once per pytest run and shared by its xdist workers (each worker copies them).

A session-scoped fixture runs once in every xdist worker, so a seeded and trained bank used to be built twice per
run. Here the first worker to ask builds it under a file lock in the run's shared temporary folder; the others wait
for it and then copy it, so each worker still has a bank and models of its own to write to, as before.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

DONE = ".built"


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this run that every xdist worker sees (the session's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name` as `build` filled it, built by the first worker of this run to ask and only then."""
    root = run_folder(tmp_path_factory)
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if build raises
        if not (folder / DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way in another worker
            folder.mkdir()
            build(folder)
            (folder / DONE).touch()
    return folder


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database whole (its write-ahead log included) through SQLite's backup API."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def own_copy(shared: Path, target: Path, database: str = "bank.db") -> Path:
    """Copy a shared build into `target` (the SQLite database through its backup API); returns `target`."""
    shutil.copytree(shared, target, ignore=shutil.ignore_patterns(DONE, f"{database}*"), dirs_exist_ok=True)
    copy_sqlite(shared / database, target / database)
    return target
