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
    queued here, because the tracker store keeps the conversation and the history endpoint replays it.
    """

    def __init__(self, sockets_per_customer: int = 5, sockets_per_agent: int = 3) -> None:
        # Each client's sockets in the order they opened (dicts keep insertion order), so the oldest go first.
        self._customers: dict[int, dict[web.WebSocketResponse, None]] = defaultdict(dict)
        self._agents: dict[str, dict[web.WebSocketResponse, None]] = defaultdict(dict)
        self.sockets_per_customer = sockets_per_customer
        self.sockets_per_agent = sockets_per_agent

    def add_customer(self, customer_id: int, socket: web.WebSocketResponse) -> list[web.WebSocketResponse]:
        """Register a customer's open socket (a customer may have several devices); returns the oldest sockets
        past sockets_per_customer, no longer registered, for the caller to close."""
        return _add(self._customers[customer_id], socket, self.sockets_per_customer)

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
        return await _send_all(list(self._customers.get(customer_id, ())), event)

    async def to_agents(self, event: dict[str, Any], agent_ids: set[str] | None = None) -> int:
        """Send an event to the given agents' consoles (all signed-in agents when None)."""
        ids = self._agents.keys() if agent_ids is None else agent_ids & self._agents.keys()
        return await _send_all([socket for agent in ids for socket in self._agents[agent]], event)

    async def close_all(self) -> None:
        """Close every socket (gateway shutdown)."""
        sockets = [s for group in (*self._customers.values(), *self._agents.values()) for s in group]
        await asyncio.gather(*(s.close(code=1001, message=b"server shutdown") for s in sockets),
                             return_exceptions=True)


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
