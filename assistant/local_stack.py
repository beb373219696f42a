"""The whole assistant as real processes: action server, Rasa server, gateway, core-banking feed and its inbox
worker, push-service simulator and alert outbox delivery, on free loopback ports, over a freshly seeded bank.

The end-to-end tests run against one; so does the load benchmark (assistant/load) when no assistant is running.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from assistant.chat_client import ChatClient
from assistant.gateway.auth import issue_token
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "assistant.tar.gz"
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str, timeout: float = 2.0) -> dict:
    """GET a JSON document (raises on connection errors and HTTP errors)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Stack:
    """Running processes and the addresses and secrets a test needs to talk to them."""

    workdir: Path
    database_url: str
    env: dict[str, str]
    gateway_url: str
    rasa_url: str
    action_url: str = ""
    feed_url: str = ""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)

    def start(self, name: str, command: list[str]) -> None:
        """Start one service in its own process group, logging to workdir/<name>.log (appended to on a restart)."""
        log = open(self.workdir / f"{name}.log", "ab")
        self.commands[name] = command
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, name: str) -> None:
        """SIGKILL one service and everything it started, as a crash would: no shutdown code runs."""
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)

    def restart(self, name: str) -> None:
        """Start a killed service again with the command and environment it had, and wait until all are ready."""
        self.start(name, self.commands[name])
        self.wait_until_ready()

    def log_lines(self) -> dict[str, list[str]]:
        """Every line each service has logged so far, by service."""
        return {name: (self.workdir / f"{name}.log").read_text(errors="replace").splitlines()
                for name in self.processes}

    def logs(self, lines: int = 40) -> str:
        """The last lines of every service's log, for failure messages."""
        parts = []
        for name in self.processes:
            text = (self.workdir / f"{name}.log").read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {name} ---\n" + "\n".join(text))
        return "\n".join(parts)

    def chat_as(self, customer_id: int) -> ChatClient:
        """A chat client for any customer: the test holds the gateway's signing key, as the bank's sign-in would (demo
        sign-in serves only the demo personas)."""
        token = issue_token(customer_id, Settings(jwt_secret=self.env["JWT_SECRET"]))
        return ChatClient(self.gateway_url, customer_id, token=token)

    # Rasa loads its model in about 40 s on an idle machine, but several minutes while the other test worker and
    # the other services load both cores.
    def wait_until_ready(self, timeout: float = 480.0) -> None:
        """Block until the gateway reports Rasa ready and the feed and the action server answer, or fail with the
        services' logs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}\n{self.logs()}")
            try:
                if (get_json(f"{self.gateway_url}/healthz").get("rasa") == "ready"
                        and get_json(f"{self.feed_url}/healthz").get("status") == "ok"
                        and get_json(f"{self.action_url}/health").get("status") == "ok"):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                pass
            time.sleep(1.0)
        raise RuntimeError(f"the assistant was not ready after {timeout:.0f} s\n{self.logs()}")

    def ledger_check(self) -> subprocess.CompletedProcess:
        """`python -m assistant ledger check` on the stack's bank: exit 0 when every balance matches its entries."""
        return subprocess.run([str(APP_PYTHON), "-m", "assistant", "ledger", "check", "--database-url",
                               self.database_url], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)

    def stop(self) -> None:
        """Stop every service (SIGTERM, then SIGKILL after a grace period)."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def launch(workdir: Path, customers: int = 200, overrides: dict[str, str] | None = None) -> Stack:
    """Seed a fresh bank in workdir, train the churn and offer models on it, and start the action server, Rasa, the
    gateway, the core-banking feed, the push-service simulator and the outbox delivery against it (200 customers:
    enough churners and product take-ups for the models to train). `overrides` replace environment variables the
    stack would set (a benchmark logs less than the tests and has its own limits)."""
    if not MODEL.exists():
        raise RuntimeError(f"no trained dialogue model at {MODEL}: run `make train` first")
    database_url = f"sqlite:///{workdir / 'bank.db'}"
    action_port, rasa_port, gateway_port, push_port, feed_port = (free_port() for _ in range(5))
    env = {
        **os.environ,
        "ASSISTANT_PROFILE": "embedded",
        "DATABASE_URL": database_url,
        "CONVERSATION_SECRET": secrets.token_hex(16),
        "JWT_SECRET": secrets.token_hex(32),
        "PROACTIVE_SECRET": secrets.token_hex(32),
        "RASA_TOKEN": secrets.token_hex(12),
        "RASA_CHANNEL_SECRET": secrets.token_hex(32),
        "ACTION_SERVER_TOKEN": secrets.token_hex(32),
        "RASA_PORT": str(rasa_port),
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "RASA_MODEL": str(MODEL),
        "RASA_TRACKER_DB": str(workdir / "rasa-tracker.db"),
        "RASA_LOCK_DB": str(workdir / "rasa-locks.db"),
        "RASA_SEEN_SIGNATURES_DB": str(workdir / "rasa-seen-signatures.db"),
        "ACTION_PORT": str(action_port),
        "ACTION_HOST": "127.0.0.1",  # the action server listens on localhost only
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(gateway_port),
        "FEED_HOST": "127.0.0.1",
        "FEED_PORT": str(feed_port),
        "FEED_URL": f"http://127.0.0.1:{feed_port}",
        "FEED_SOURCES": f"core-banking:{secrets.token_hex(32)}",
        # The alert loop as in `make run`: outbox -> push-service simulator -> the gateway's proactive endpoint.
        "PUSH_SIMULATOR_PORT": str(push_port),
        "PUSH_WEBHOOK_URL": f"http://127.0.0.1:{push_port}/push",
        "PROACTIVE_URL": f"http://127.0.0.1:{gateway_port}/api/v1/proactive",
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "MODELS_DIR": str(workdir / "models"),
        "OMP_NUM_THREADS": "1",
        # Every end-to-end test signs in from 127.0.0.1 to this one gateway, far faster than one person would.
        "SIGN_INS_PER_MINUTE": "600",
        "SIGN_IN_BURST": "100",
        # As verbose as the services get, so tests/e2e/test_logs.py sees everything they could ever log.
        "LOG_LEVEL": "DEBUG",
        **(overrides or {}),
    }
    seeded = subprocess.run(
        [str(APP_PYTHON), "-m", "assistant", "seed", "--customers", str(customers), "--database-url", database_url],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding the test bank failed:\n{seeded.stdout}\n{seeded.stderr}")
    trained = subprocess.run([str(APP_PYTHON), "-m", "assistant.models", "--quiet", "train"],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    if trained.returncode != 0:
        raise RuntimeError(f"training the churn and offer models failed:\n{trained.stdout}\n{trained.stderr}")
    stack = Stack(workdir, database_url, env, f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{rasa_port}",
                  f"http://127.0.0.1:{action_port}", f"http://127.0.0.1:{feed_port}")
    try:
        stack.start("actions", [str(APP_PYTHON), "-m", "actions.server"])
        stack.start("rasa", [str(RASA_PYTHON), "-m", "dialogue.launcher"])
        stack.start("gateway", [str(APP_PYTHON), "-m", "assistant.gateway"])
        stack.start("feed", [str(APP_PYTHON), "-m", "assistant.feed"])
        stack.start("feed-worker", [str(APP_PYTHON), "-m", "assistant.feed", "work", "--forever"])
        stack.start("push", [str(APP_PYTHON), "-m", "assistant.push_simulator"])
        stack.start("outbox", [str(APP_PYTHON), "-m", "assistant.alerts", "deliver", "--forever"])
        stack.wait_until_ready()
    except Exception:
        stack.stop()
        raise
    return stack

