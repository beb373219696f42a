"""The benchmark's Locust user: a customer who opens the live channel, starts a session and chats script after script.

Every chat message is one turn, reported to Locust under its kind (mix.py). The live channel stays open for the whole
run, as the app keeps it, so the gateway carries the sockets of every customer it serves; what it pushes is drained
and counted, not timed.
"""

from __future__ import annotations

import json
import random
import time
from collections import deque
from typing import Any

import gevent
import websocket
from locust import constant, constant_pacing, task
from locust.contrib.fasthttp import FastHttpUser

from assistant.load.customers import BenchCustomer
from assistant.load.mix import Script, Turn, pick_script

TURN_TIMEOUT_SECONDS = 60.0


class ChatCustomer(FastHttpUser):
    """A signed-in customer chatting the benchmark's mix; the runner sets `customers` and the pacing before it spawns."""

    abstract = True
    customers: deque[BenchCustomer] = deque()
    network_timeout = TURN_TIMEOUT_SECONDS
    connection_timeout = 10.0

    def on_start(self) -> None:
        """Take the next customer, open their live channel and start a fresh session (not counted as turns)."""
        self.customer = self.customers.popleft()
        self.rng = random.Random(self.customer.customer_id)
        self.headers = {"Authorization": f"Bearer {self.customer.token}"}
        self.pushed = 0
        self.socket: websocket.WebSocket | None = None
        self.reader: gevent.Greenlet | None = None
        self._open_live_channel()
        # A new session per run: Rasa's work grows with the session, and figures should not depend on earlier runs.
        with self.client.post("/api/v1/chat/session", json={}, headers=self.headers, name="session_start",
                              catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"session start answered {answer.status_code}")
        self.script: Script | None = None
        self.step = 0
        self.answer: Turn | None = None

    def _open_live_channel(self) -> None:
        url = self.host.replace("http", "ws", 1) + "/api/v1/chat/ws"
        started = time.perf_counter()
        problem: Exception | None = None
        try:
            # No Origin header: the mobile app is not a browser page.
            self.socket = websocket.create_connection(url, timeout=10, suppress_origin=True)
            self.socket.send(json.dumps({"type": "auth", "token": self.customer.token}))
            ready = json.loads(self.socket.recv())
            if ready.get("type") != "ready":
                raise ConnectionError(f"the live channel answered {ready!r}")
            self.socket.settimeout(None)
            self.reader = gevent.spawn(self._drain)
        except Exception as refused:  # the run's results report it; the customer still chats over HTTP
            problem = refused
        self.environment.events.request.fire(
            request_type="WS", name="live_channel", response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=problem, context={})

    def _drain(self) -> None:
        try:
            while self.socket is not None and self.socket.recv():
                self.pushed += 1
        except (websocket.WebSocketException, OSError):
            pass

    @task
    def chat_turn(self) -> None:
        """Send the next message of the current script (starting a new script when the last one ended)."""
        if self.script is None:
            self.script, self.step = pick_script(self.rng), 0
        if self.answer is not None:  # the bot asked something back: this turn answers it, the script waits
            turn, self.answer = self.answer, None
        else:
            turn = self.script.turns[self.step]
            self.step += 1
        failed = self._say(turn)
        if self.answer is not None:
            return
        # A failed turn ends its script: the next one would answer a question the bot never asked.
        if failed or self.step == len(self.script.turns):
            self.script = None

    def _say(self, turn: Turn) -> bool:
        message = turn.message.format(payee=self.customer.payee)
        with self.client.post("/api/v1/chat", json={"message": message}, headers=self.headers, name=turn.kind,
                              catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"the gateway answered {answer.status_code}: {answer.text[:200] if answer.text else ''}")
                return True
            body: Any = answer.json()
            replies = body.get("messages") or []
            self.answer = turn.answer_to(replies)
            problem = None if self.answer is not None else turn.check(replies)
            if problem:
                # What came back instead, cut short: enough to tell an empty answer from a different question.
                handoff = f", handoff {body['handoff']}" if body.get("handoff") else ""
                answer.failure(f"{problem} (customer {self.customer.customer_id}{handoff}; to {message!r}: "
                               f"{json.dumps(replies)[:300]})")
                return True
        return False

    def on_stop(self) -> None:
        """Close the live channel."""
        if self.socket is not None:
            socket, self.socket = self.socket, None
            socket.close()
        if self.reader is not None:
            self.reader.kill(block=False)


def customer_class(customers: list[BenchCustomer], host: str, pacing_seconds: float) -> type[ChatCustomer]:
    """A user class for one load step: these customers, this gateway, one message every `pacing_seconds` (0: none)."""
    return type("Customer", (ChatCustomer,), {
        "abstract": False, "host": host, "customers": deque(customers),
        "wait_time": constant_pacing(pacing_seconds) if pacing_seconds > 0 else constant(0),
    })
