"""A full chat round trip, timed: customer message -> gateway -> Rasa -> action server -> bank or knowledge -> reply.

Runs against an assistant that is already running (`make run` in another terminal, or the end-to-end tests' stack):
`python -m assistant.chat_bench [--gateway URL] [--customer N] [--rounds N]` writes JSON under build/bench/.
Each kind of message is sent `rounds` times by one demo customer, one at a time, so the figures are the latency a
customer feels on an idle assistant, not its throughput.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
from pathlib import Path

from assistant.bench_results import publish
from assistant.chat_client import ChatClient
from assistant.latency import summarise
from assistant.settings import get_settings

# One message per path through the system: small talk (Rasa alone), a database read, a search with a table,
# a spending summary with a chart, and a knowledge-base answer (embedding + FAISS in the action server).
ROUND_TRIP_MESSAGES = {
    "greeting": "hello",
    "balance": "what's my balance?",
    "transaction_search": "show me my Tesco transactions",
    "spending_summary": "how much did I spend last month?",
    "knowledge_answer": "my card still hasn't arrived, what do I do?",
}


class NoReply(RuntimeError):
    """The assistant answered a message with nothing: timing it would flatter a broken path."""


def _say_and_check(client: ChatClient, message: str) -> None:
    if not client.say(message):
        raise NoReply(f"no reply to {message!r}")


def measure_round_trips(client: ChatClient, rounds: int,
                        messages: dict[str, str] = ROUND_TRIP_MESSAGES) -> dict[str, dict[str, float]]:
    """p50 and p95 milliseconds from sending each kind of message to having every reply, `rounds` times each.

    The kinds take turns, round after round: Rasa's work grows with the session's length, so a kind measured
    after all the others would pay for a longer conversation and look slower than it is.
    """
    # Rasa reads every event of the current session on each message, so start a new session for figures that do
    # not depend on how much this customer chatted before; its first message pays for setting it up, uncounted.
    try:
        client.new_session()
    except urllib.error.HTTPError as refused:
        if refused.code == 409:  # the chat is with a person, who is not the assistant being timed
            raise NoReply("the chat is with a person") from refused
        raise
    _say_and_check(client, "hi")
    samples: dict[str, list[float]] = {name: [] for name in messages}
    for _ in range(rounds):
        for name, text in messages.items():
            started, waited = time.perf_counter(), client.waited_seconds
            _say_and_check(client, text)
            # A wait for the gateway's message rate is the benchmark's pace, not the assistant's latency.
            samples[name].append((time.perf_counter() - started - (client.waited_seconds - waited)) * 1000)
    return {name: summarise(taken) for name, taken in samples.items()}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """Measure the round trips against a running assistant and write build/bench/chat.json."""
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default=f"http://127.0.0.1:{settings.gateway_port}",
                        help="the running gateway's address")
    parser.add_argument("--customer", type=int, default=1, help="the customer who chats (a demo persona, unless CHAT_TOKEN holds a token for them)")
    parser.add_argument("--rounds", type=_positive, default=20,
                        help="times each kind of message is sent (20 rounds make a 100-message conversation)")
    parser.add_argument("--out", type=Path, default=settings.build_dir / "bench" / "chat.json")
    args = parser.parse_args(argv)
    try:
        # A token from the bank's sign-in, from the environment (never the command line); without one the benchmark
        # signs in as a demo persona, which only the embedded profile offers.
        client = ChatClient(args.gateway, args.customer, token=os.environ.get("CHAT_TOKEN") or None)
        figures = measure_round_trips(client, args.rounds)
    except urllib.error.HTTPError as refused:
        print(f"the gateway at {args.gateway} answered {refused.code} {refused.reason}: is the assistant ready "
              "(GET /healthz), and is this customer a demo persona (or CHAT_TOKEN a valid token)?", file=sys.stderr)
        return 1
    except (urllib.error.URLError, ConnectionError) as problem:
        print(f"cannot reach the assistant at {args.gateway} ({problem}): start it with `make run` first",
              file=sys.stderr)
        return 1
    except NoReply as problem:
        print(f"{problem}: is this customer's chat with a person, or is a service behind the gateway down?",
              file=sys.stderr)
        return 1
    publish({"gateway": args.gateway, "customer": args.customer, "round_trips": figures}, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
