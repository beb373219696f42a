"""A real action server process (`python -m actions.server`) on a free local port, for the tests that call it."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.local_stack import APP_PYTHON, ROOT, free_port


@contextmanager
def action_server_process(workdir: Path, token: str, **env: str) -> Iterator[str]:
    """Start the action server with its own bank and build folder in `workdir`; its base URL once /health is 200."""
    port = free_port()
    environment = {**os.environ, "ASSISTANT_PROFILE": "embedded", "ACTION_PORT": str(port),
                   "ACTION_SERVER_TOKEN": token, "DATABASE_URL": f"sqlite:///{workdir / 'bank.db'}",
                   "BUILD_DIR": str(workdir / "build"), **env}
    log = open(workdir / "actions.log", "wb")
    server = subprocess.Popen([str(APP_PYTHON), "-m", "actions.server"], cwd=ROOT, env=environment, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=2).close()  # a 503 while warming up raises
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the action server did not start: {(workdir / 'actions.log').read_text()}")
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
