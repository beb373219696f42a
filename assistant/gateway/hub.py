"""Live delivery: who has a websocket open, and pushing events to a customer's or the agents' sockets."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)


class Hub:
    """The open websockets of customers (by customer id) and of signed-in agents (by agent id).

    One gateway process holds the sockets it accepted; events for a customer with no open socket are not
    queued here: a numbered event is stored before it is sent (assistant/live), and a reconnecting socket catches
    up from the database with `catch_up`.
    """

    def __init__(self, sockets_per_customer: int = 5, sockets_per_agent: int = 3) -> None:
        # Each client's sockets in the order they opened (dicts keep insertion order), so the oldest go first.
        self._customers: dict[int, dict[web.WebSocketResponse, _Subscriber]] = defaultdict(dict)
        self._agents: dict[str, dict[web.WebSocketResponse, None]] = defaultdict(dict)
        self.sockets_per_customer = sockets_per_customer
        self.sockets_per_agent = sockets_per_agent

    def add_customer(self, customer_id: int, socket: web.WebSocketResponse,
                     catching_up: bool = False) -> list[web.WebSocketResponse]:
        """Register a customer's open socket (a customer may have several devices); returns the oldest sockets
        past sockets_per_customer, no longer registered, for the caller to close. A socket `catching_up` holds
        back live events until `catch_up` has sent it what it missed."""
        subscribers = self._customers[customer_id]
        subscribers[socket] = _Subscriber(socket, catching_up)
        cap = self.sockets_per_customer
        displaced = list(subscribers)[:max(0, len(subscribers) - cap)] if cap > 0 else []
        for old in displaced:
            del subscribers[old]
        return displaced

    async def catch_up(self, customer_id: int, socket: web.WebSocketResponse, missed: list[dict[str, Any]]) -> int:
        """Send a registered socket the numbered events it missed and those held back meanwhile, once each and in
        order of `seq`; from then on it gets live events as they come. Returns how many were sent."""
        subscriber = self._customers.get(customer_id, {}).get(socket)
        return 0 if subscriber is None else await subscriber.catch_up(missed)

    def remove_customer(self, customer_id: int, socket: web.WebSocketResponse) -> None:
        """Forget a closed customer socket."""
        self._customers[customer_id].pop(socket, None)
        if not self._customers[customer_id]:
            del self._customers[customer_id]

    def add_agent(self, agent_id: str, socket: web.WebSocketResponse) -> list[web.WebSocketResponse]:
        """Register an agent console's open socket; returns the oldest past sockets_per_agent, to close."""
        return _add(self._agents[agent_id], socket, self.sockets_per_agent)

    def remove_agent(self, agent_id: str, socket: web.WebSocketResponse) -> None:
        """Forget a closed agent socket."""
        self._agents[agent_id].pop(socket, None)
        if not self._agents[agent_id]:
            del self._agents[agent_id]

    def customer_online(self, customer_id: int) -> bool:
        """True when the customer has the chat open somewhere."""
        return bool(self._customers.get(customer_id))

    async def to_customer(self, customer_id: int, event: dict[str, Any]) -> int:
        """Send an event to every open socket of a customer; returns how many received it."""
        subscribers = list(self._customers.get(customer_id, {}).values())
        results = await asyncio.gather(*(subscriber.deliver(event) for subscriber in subscribers),
                                       return_exceptions=True)
        return sum(1 for result in results if result is True)

    async def to_agents(self, event: dict[str, Any], agent_ids: set[str] | None = None) -> int:
        """Send an event to the given agents' consoles (all signed-in agents when None)."""
        ids = self._agents.keys() if agent_ids is None else agent_ids & self._agents.keys()
        return await _send_all([socket for agent in ids for socket in self._agents[agent]], event)

    async def close_all(self) -> None:
        """Close every socket (gateway shutdown)."""
        sockets = [s for group in (*self._customers.values(), *self._agents.values()) for s in group]
        await asyncio.gather(*(s.close(code=1001, message=b"server shutdown") for s in sockets),
                             return_exceptions=True)


class _Subscriber:
    """One customer socket: never sent the same `seq` twice, and holding live events back while it catches up."""

    def __init__(self, socket: web.WebSocketResponse, catching_up: bool) -> None:
        self.socket = socket
        self._lock = asyncio.Lock()
        self._held: list[dict[str, Any]] | None = [] if catching_up else None
        self._sent: set[int] = set()

    async def deliver(self, event: dict[str, Any]) -> bool:
        """Send a live event (or hold it while catching up); True when it was sent or held."""
        async with self._lock:
            if self._held is not None:
                self._held.append(event)
                return True
            return await self._send(event)

    async def catch_up(self, missed: list[dict[str, Any]]) -> int:
        """Send what the socket missed and what was held back, in order of seq, then deliver live from now on."""
        async with self._lock:
            held, self._held = self._held or [], None
            numbered = {event["seq"]: event for event in [*missed, *held] if isinstance(event.get("seq"), int)}
            unnumbered = [event for event in held if not isinstance(event.get("seq"), int)]
            sent = 0
            for event in [*(numbered[seq] for seq in sorted(numbered)), *unnumbered]:
                sent += await self._send(event)
            return sent

    async def _send(self, event: dict[str, Any]) -> bool:
        seq = event.get("seq")
        if isinstance(seq, int):
            if seq in self._sent:
                return False
            self._sent.add(seq)
            if len(self._sent) > 1000:  # a duplicate arrives within moments; old numbers need not be kept
                self._sent = {number for number in self._sent if number > seq - 500}
        if self.socket.closed:
            return False
        try:
            await self.socket.send_json(event)
        except (ConnectionError, RuntimeError) as failure:
            log.info("a websocket closed while sending: %s", failure)
            return False
        return True


def _add(sockets: dict[web.WebSocketResponse, None], socket: web.WebSocketResponse,
         cap: int) -> list[web.WebSocketResponse]:
    sockets[socket] = None
    displaced = list(sockets)[:max(0, len(sockets) - cap)] if cap > 0 else []
    for old in displaced:
        del sockets[old]
    return displaced


async def _send_all(sockets: list[web.WebSocketResponse], event: dict[str, Any]) -> int:
    results = await asyncio.gather(*(socket.send_json(event) for socket in sockets if not socket.closed),
                                   return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    for failure in failures:
        log.info("a websocket closed while sending: %s", failure)
    return len(results) - len(failures)
