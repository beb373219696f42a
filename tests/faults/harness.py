"""The fault harness: real service processes that a test can SIGKILL and restart, a TCP proxy between services
that can delay, reset or black-hole their connections, and a recording HTTP endpoint that can answer with an
error for a while (a stand-in for a service downstream of the one under test)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from assistant.local_stack import APP_PYTHON, RASA_PYTHON, ROOT, free_port  # noqa: F401  (the tests import them from here)


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll until `condition()` is true; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def http_ok(url: str) -> bool:
    """True when a GET of `url` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@dataclass
class ServiceProcess:
    """One real service: started in its own process group, logging to a file, killed for real."""

    name: str
    command: list[str]
    env: dict[str, str]
    logdir: Path
    ready_url: str | None = None
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def log_path(self) -> Path:
        return self.logdir / f"{self.name}.log"

    def start(self, ready_timeout: float = 60.0) -> "ServiceProcess":
        """Start (or start again) and wait for `ready_url` to answer 2xx, if there is one."""
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n=== start {self.starts} ===\n".encode())
        log.flush()
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        if self.ready_url:
            deadline = time.monotonic() + ready_timeout
            while not http_ok(self.ready_url):
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} not ready after {ready_timeout:.0f} s:\n{self.log_tail()}")
                time.sleep(0.1)
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up handler runs, as when a machine dies."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after a grace period."""
        if not self.running:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self, ready_timeout: float = 60.0) -> "ServiceProcess":
        """SIGKILL, then start again."""
        self.kill()
        return self.start(ready_timeout)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the service logged, for failure messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Services:
    """The processes one test started; stop_all() is the fixture's teardown."""

    logdir: Path
    env: dict[str, str]
    started: dict[str, ServiceProcess] = field(default_factory=dict)

    def python(self, name: str, module_args: list[str], ready_url: str | None = None,
               env: dict[str, str] | None = None, ready_timeout: float = 60.0) -> ServiceProcess:
        """Start `python -m ...` from the application virtualenv."""
        service = ServiceProcess(name, [str(APP_PYTHON), "-m", *module_args], {**self.env, **(env or {})},
                                 self.logdir, ready_url)
        self.started[name] = service
        return service.start(ready_timeout)

    def stop_all(self) -> None:
        """Stop every process still running."""
        for service in self.started.values():
            service.stop()


class TcpProxy:
    """A TCP proxy on a loopback port in front of `target`, run on its own event loop thread.

    Modes: `pass` forwards; `delay` forwards each chunk after `delay_seconds`; `blackhole` accepts and reads but
    forwards nothing either way (the peer sees a hung connection); `refuse` resets new connections at once.
    `reset_all()` cuts every open connection with a TCP RST, as a crashed peer or a middlebox would.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "pass"
        self.delay_seconds = 0.0
        self.connections = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="tcp-proxy", daemon=True)
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._accept, "127.0.0.1", 0), self.loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def set_mode(self, mode: str, delay_seconds: float = 0.0) -> None:
        """Change what happens to traffic from now on (open connections included)."""
        if mode not in {"pass", "delay", "blackhole", "refuse"}:
            raise ValueError(f"unknown proxy mode {mode!r}")
        self.mode, self.delay_seconds = mode, delay_seconds

    def reset_all(self) -> int:
        """Send a TCP RST on every open connection (both sides); how many sockets were cut."""
        return asyncio.run_coroutine_threadsafe(self._reset_all(), self.loop).result(10)

    async def _reset_all(self) -> int:
        writers = list(self._writers)
        for writer in writers:
            _abort_with_rst(writer)
        self._writers.clear()
        return len(writers)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            _abort_with_rst(client_writer)
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _abort_with_rst(client_writer)
            return
        self.connections += 1
        self._writers.update({client_writer, server_writer})
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer),
                             return_exceptions=True)
        self._writers.difference_update({client_writer, server_writer})

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                if self.mode == "blackhole":
                    continue
                if self.mode == "delay":
                    await asyncio.sleep(self.delay_seconds)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def close(self) -> None:
        """Cut every connection and stop listening."""
        self.reset_all()

        async def _close() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(_close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


def _abort_with_rst(writer: asyncio.StreamWriter) -> None:
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN: the peer sees "connection reset".
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class BackgroundApp:
    """An aiohttp application served on a loopback port from its own event loop thread: a stand-in peer (a Rasa, or
    the recording endpoint below) for the real processes under test."""

    def __init__(self, app: web.Application) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="background-app", daemon=True)
        self._thread.start()
        self._runner = web.AppRunner(app, access_log=None)
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    async def _start(self) -> int:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return self._runner.addresses[0][1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        """Stop serving and stop the loop."""
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


@dataclass(frozen=True)
class ReceivedRequest:
    """One request the recording endpoint received, and the status it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float = 0.0  # when it arrived (Unix time), as Rasa stamps the events it records


class RecordingEndpoint:
    """An HTTP server on a loopback port, on its own event loop thread, that records every POST it receives.

    It answers `status` (set it to 503 for an outage, back to 200 to recover) after `delay_seconds`, so that a
    client's batch takes long enough for a test to kill it midway; a success carries `reply` as its JSON body.
    Standing in for Rasa, it also answers `GET /conversations/{id}/tracker` with what Rasa would have recorded:
    each intent triggered in that conversation that it accepted (a retry reads it to see what is there already).
    """

    def __init__(self, status: int = 200, delay_seconds: float = 0.0, reply: object = None) -> None:
        self.status = status
        self.delay_seconds = delay_seconds
        self.reply = {"status": "recorded"} if reply is None else reply
        self._received: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._record)
        app.router.add_get("/conversations/{conversation_id}/tracker", self._tracker)
        self._served = BackgroundApp(app)
        self.port = self._served.port

    async def _record(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        status = self.status
        with self._lock:
            self._received.append(ReceivedRequest(request.path, dict(request.headers), body, status, time.time()))
        return web.json_response(self.reply if status < 300 else {"status": "unavailable"}, status=status)

    async def _tracker(self, request: web.Request) -> web.Response:
        """The conversation's events as Rasa's tracker holds them: each accepted trigger, as UserUttered.create_external
        records it (the intent and its entities in parse_data)."""
        conversation = request.match_info["conversation_id"]
        events = []
        for received in self.received:
            if received.status >= 300 or not received.path.endswith(f"/conversations/{conversation}/trigger_intent"):
                continue
            trigger = json.loads(received.body)
            entities = [{"entity": name, "value": value} for name, value in (trigger.get("entities") or {}).items()]
            events.append({"event": "user", "text": f"EXTERNAL: {trigger['name']}", "timestamp": received.at,
                           "parse_data": {"intent": {"name": trigger["name"]}, "entities": entities}})
        return web.json_response({"sender_id": conversation, "events": events})

    def url(self, path: str) -> str:
        """The endpoint's URL for `path` (which starts with a slash)."""
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def received(self) -> list[ReceivedRequest]:
        """A copy of every request received so far, in order of arrival."""
        with self._lock:
            return list(self._received)

    def close(self) -> None:
        """Stop serving."""
        self._served.close()
