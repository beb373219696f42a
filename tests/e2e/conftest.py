"""One running assistant per test session: Rasa needs ~40 s to load its model, so it starts once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import Stack, launch


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The action server, Rasa server and gateway over a freshly seeded bank."""
    running = launch(tmp_path_factory.mktemp("assistant"))
    yield running
    running.stop()
