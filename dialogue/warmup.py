"""One warm-up turn in every Rasa worker, before it serves, so no customer pays for TensorFlow's first run.

Measured on the demo model: the first turn after start took 0.71 s, the next ones 0.10 s (graph tracing in the NLU
and the dialogue policies on first use). Rasa loads its model in each Sanic worker in a `before_server_start`
listener (`rasa.core.run.load_agent_on_start`); wrapped here, each worker then answers "hello" in a conversation of
its own (a rule answers it, no custom action runs) and starts accepting connections only after that. With several
workers a warm-up from outside could not choose which worker it reaches.
"""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger(__name__)

WARM_UP_CONVERSATION = "warm-up"
WARM_UP_TEXT = "hello"


async def warm_up(agent: Any) -> None:
    """Run one whole turn (NLU, policies, tracker store, response) through a freshly loaded agent."""
    started = time.perf_counter()
    try:
        await agent.handle_text(WARM_UP_TEXT, sender_id=WARM_UP_CONVERSATION)
    except Exception as exc:  # noqa: BLE001 - a worker that cannot warm up still serves; its first turn is slower
        log.warning("Rasa warm-up turn failed (this worker's first customer turn will be slower): %s", exc)
        return
    log.info("Rasa warm-up turn took %.2f s", time.perf_counter() - started)


def install_warm_up_on_load() -> None:
    """Make every Rasa worker run the warm-up turn right after it loads its model (before Rasa serves)."""
    import rasa.core.run

    load_agent_on_start = rasa.core.run.load_agent_on_start

    async def load_and_warm_up(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent_on_start(*args, **kwargs)
        await warm_up(agent)
        return agent

    rasa.core.run.load_agent_on_start = load_and_warm_up
