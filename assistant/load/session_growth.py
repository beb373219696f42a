"""`python -m assistant.load.session_growth`: Rasa's own time a turn as one customer's session grows.

One customer starts a new session through the gateway (POST /api/v1/chat/session) and chats on through it with
everyday messages (balance, a Tesco search, a spending summary, hello) until the session holds about 10, then 100,
then 300 events; at each of those checkpoints `--turns` turns are timed.

What is timed, and why: a timed turn is "hello" sent straight to Rasa's input channel (dialogue/channels.py, signed
with RASA_CHANNEL_SECRET exactly as the gateway signs it) for the same conversation id the gateway uses. Rasa answers
a greeting by a rule with a response of its own (utter_greet), calling no custom action, so the time from sending
to the reply is Rasa's alone: its lock, loading the session's events from the tracker store and rebuilding the
tracker, NLU, the policies' predictions and saving the new events. The gateway, the action server and the bank are
not in it, so a slope comes from Rasa and nothing else. Beside that wall time, the CPU time Rasa's processes used
during the checkpoint's turns (psutil, per process group as assistant/load/cpu.py finds it) is divided by their
number: on shared cores the wall time also holds the time Rasa waited for a core, its CPU time a turn does not. (Timing a gateway round trip and subtracting the action
server's share cannot be done from outside; Rasa's `.../messages` and `.../predict` endpoints skip part of a turn and
would leave a half-finished one in the conversation.) The timed turns are real turns and grow the session too.

Events are counted as Rasa loads them each turn: those of the tracker (GET /conversations/{id}/tracker) from the
latest `session_started` on. A checkpoint's turns are timed while the session holds from its count to half as many
again (at least 10 more); a session that grew past that starts again, so even the first checkpoint's turns are timed
near 10 events. The JSON (build/bench/session-growth.json) gives each checkpoint's p50 and p95 in milliseconds, Rasa's
CPU milliseconds a turn, the event counts actually seen, and how much both grew from the first checkpoint to the last.

Without `--gateway` it starts its own assistant (assistant/local_stack.py, under build/bench/session-growth-stack)
and stops it after; with `--gateway` (and `--rasa`) it drives one already running, with the secrets (JWT_SECRET,
CONVERSATION_SECRET, RASA_TOKEN, RASA_CHANNEL_SECRET) as that assistant has them in the environment.
"""

from __future__ import annotations

import argparse
import enum
import itertools
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psutil

from assistant.bench_results import publish
from assistant.chat_client import ChatClient
from assistant.gateway.auth import issue_token
from assistant.gateway.rasa_client import WEBHOOK_PATH
from assistant.identity import conversation_id_for
from assistant.latency import summarise
from assistant.load.cpu import service_groups
from assistant.settings import Settings, get_settings
from assistant.signing import sign

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# A benchmark measures what the services can do, not the per-customer limits; these stay on but out of the way.
STACK_OVERRIDES = {"LOG_LEVEL": "INFO", "CHAT_MESSAGES_PER_MINUTE": "6000", "CHAT_MESSAGE_BURST": "200"}
STACK_CUSTOMERS = 200  # enough churners and product take-ups for the stack's churn and offer models to train
CHECKPOINTS = (10, 100, 300)
TURNS_PER_CHECKPOINT = 10
MIN_WINDOW_EVENTS = 10
# What the customer says between timed turns: the everyday paths, none of which asks a question back.
GROWTH_MESSAGES = ("what's my balance?", "show me my Tesco transactions", "hello", "how much did I spend last month?")
TIMED_MESSAGE = "hello"


class Step(enum.Enum):
    """What the benchmark does next with the session."""

    GROW = "grow"  # chat on through the gateway: the session is short of the checkpoint
    TIME = "time"  # time a turn: the session is at the checkpoint
    NEW_SESSION = "new_session"  # the session grew past the checkpoint; a new one gets back to it


@dataclass(frozen=True)
class Checkpoint:
    """A session length at which `turns` turns are timed."""

    events: int
    turns: int = TURNS_PER_CHECKPOINT

    @property
    def last_event(self) -> int:
        """The longest session whose turns still count for this checkpoint."""
        return self.events + max(self.events // 2, MIN_WINDOW_EVENTS)


def next_step(events: int, checkpoint: Checkpoint, session_floor: int) -> Step:
    """The next step for a session of `events` events that held `session_floor` when it started."""
    if events < checkpoint.events:
        return Step.GROW
    # A new session that itself starts past the checkpoint would not get back to it: time the turns there.
    if events <= checkpoint.last_event or session_floor > checkpoint.last_event:
        return Step.TIME
    return Step.NEW_SESSION


def session_events(events: Iterable[dict]) -> int:
    """How many events Rasa loads for the conversation's current session (from its latest `session_started` on)."""
    listed = list(events)
    starts = [i for i, event in enumerate(listed) if event.get("event") == "session_started"]
    return len(listed) - (starts[-1] if starts else 0)


@dataclass(frozen=True)
class TimedTurn:
    """One timed turn: the session's length before it, Rasa's milliseconds and (when known) its CPU milliseconds."""

    events: int
    ms: float
    cpu_ms: float | None = None


def checkpoint_figures(checkpoint: Checkpoint, turns: Sequence[TimedTurn]) -> dict:
    """A checkpoint's figures: the event counts its turns were timed at, their p50 and p95, and Rasa's CPU a turn."""
    figures = {"events": checkpoint.events,
               "events_seen": [min(t.events for t in turns), max(t.events for t in turns)],
               **summarise([t.ms for t in turns])}
    cpu = [t.cpu_ms for t in turns if t.cpu_ms is not None]
    if len(cpu) == len(turns):
        # A mean, not percentiles: the kernel counts CPU time in 10 ms ticks, too coarse for one turn on its own.
        figures["rasa_cpu_ms_per_turn"] = round(sum(cpu) / len(cpu), 1)
    return figures


def growth_percent(figures: Sequence[dict], key: str = "p50_ms") -> float | None:
    """How much a figure grew from the first checkpoint to the last, in percent of the first (None if not measured)."""
    if not all(key in checkpoint for checkpoint in figures):
        return None
    first, last = figures[0][key], figures[-1][key]
    return round((last - first) / first * 100, 1) if first else None


def cpu_seconds_of(processes: Sequence[psutil.Process]) -> float:
    """User plus system CPU seconds these processes have used so far."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def group_processes(group: int | None) -> list[psutil.Process]:
    """The live processes of one process group (none for None)."""
    if group is None:
        return []
    found = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == group:
                found.append(process)
        except (psutil.NoSuchProcess, ProcessLookupError):
            continue
    return found


class NoReply(RuntimeError):
    """A turn got no reply, or did not add to the session: timing it would flatter a broken path."""


@dataclass
class Conversation:
    """One customer's conversation, through the gateway (to grow it) and straight to Rasa (to time it)."""

    chat: ChatClient
    rasa_url: str
    rasa_token: str
    channel_secret: str
    sender: str
    rasa_processes: Sequence[psutil.Process] = ()
    timeout: float = 60.0

    def new_session(self) -> None:
        """Start a new session through the gateway, as the customer's app does."""
        self.chat.new_session()

    def grow(self, message: str) -> None:
        """One everyday turn through the gateway."""
        if not self.chat.say(message):
            raise NoReply(f"no reply to {message!r} through the gateway")

    def events(self) -> int:
        """The events of the current session, as Rasa loads them on a turn."""
        query = urlencode({"include_events": "AFTER_RESTART", "token": self.rasa_token})
        url = f"{self.rasa_url}/conversations/{quote(self.sender, safe='')}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=self.timeout) as response:
            return session_events(json.loads(response.read()).get("events") or [])

    def timed_turn(self) -> tuple[float, float | None]:
        """Milliseconds Rasa takes to answer "hello" on its signed input channel, and the CPU milliseconds it used."""
        body = json.dumps({"sender": self.sender, "message": TIMED_MESSAGE, "message_id": uuid.uuid4().hex}).encode()
        request = urllib.request.Request(self.rasa_url + WEBHOOK_PATH, data=body, method="POST",
                                         headers={"Content-Type": "application/json", **sign(body, self.channel_secret)})
        cpu_before = cpu_seconds_of(self.rasa_processes)
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            replies = json.loads(response.read())
        taken = (time.perf_counter() - started) * 1000
        cpu = (cpu_seconds_of(self.rasa_processes) - cpu_before) * 1000 if self.rasa_processes else None
        if not replies:
            raise NoReply("Rasa answered the timed greeting with nothing")
        return taken, cpu


def measure_growth(conversation: Conversation, checkpoints: Sequence[Checkpoint]) -> list[dict]:
    """Grow one session through the checkpoints (ascending) and time each checkpoint's turns."""
    conversation.new_session()
    floor = conversation.events()
    messages = itertools.cycle(GROWTH_MESSAGES)
    figures = []
    for checkpoint in checkpoints:
        timed: list[TimedTurn] = []
        while len(timed) < checkpoint.turns:
            events = conversation.events()
            step = next_step(events, checkpoint, floor)
            if step is Step.GROW:
                conversation.grow(next(messages))
                if conversation.events() <= events:
                    raise NoReply("a turn through the gateway added nothing to the session (is a person handling it?)")
            elif step is Step.NEW_SESSION:
                conversation.new_session()
                floor = conversation.events()
            else:
                timed.append(TimedTurn(events, *conversation.timed_turn()))
        print(f"{checkpoint.events} events: {checkpoint_figures(checkpoint, timed)}", file=sys.stderr, flush=True)
        figures.append(checkpoint_figures(checkpoint, timed))
    return figures


def _checkpoints(text: str) -> list[int]:
    try:
        counts = sorted(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of event counts, e.g. 10,100,300") from None
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError("every checkpoint needs at least one event")
    return counts


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant.load.session_growth",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", help="a running assistant's gateway (loopback only); default: start one")
    parser.add_argument("--rasa", default=settings.rasa_url, help=f"that assistant's Rasa (default {settings.rasa_url})")
    parser.add_argument("--customer", type=int, default=1, help="the customer who chats (default 1)")
    parser.add_argument("--checkpoints", type=_checkpoints, default=list(CHECKPOINTS),
                        help="session lengths in events at which turns are timed (default 10,100,300)")
    parser.add_argument("--turns", type=int, default=TURNS_PER_CHECKPOINT, help="timed turns per checkpoint")
    parser.add_argument("--out", type=Path, default=settings.build_dir / "bench" / "session-growth.json")
    return parser


def _drive(gateway_url: str, rasa_url: str, settings: Settings, args: argparse.Namespace) -> dict:
    chat = ChatClient(gateway_url, args.customer, token=issue_token(args.customer, settings))
    rasa_group = service_groups({"rasa": urlsplit(rasa_url).port or 80}).get("rasa")
    conversation = Conversation(chat, rasa_url.rstrip("/"), settings.rasa_token, settings.rasa_channel_secret,
                                conversation_id_for(args.customer, settings.conversation_secret),
                                group_processes(rasa_group))
    figures = measure_growth(conversation, [Checkpoint(events, args.turns) for events in args.checkpoints])
    return {"gateway": gateway_url, "rasa": rasa_url, "timed_message": TIMED_MESSAGE, "checkpoints": figures,
            "p50_growth_percent": growth_percent(figures),
            "rasa_cpu_growth_percent": growth_percent(figures, "rasa_cpu_ms_per_turn")}


def _with_own_stack(settings: Settings, args: argparse.Namespace) -> dict:
    from assistant.local_stack import launch  # the stack's modules are needed only when the benchmark starts one

    workdir = settings.build_dir / "bench" / "session-growth-stack"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    print(f"starting the assistant in {workdir}", file=sys.stderr, flush=True)
    stack = launch(workdir, customers=STACK_CUSTOMERS, overrides=STACK_OVERRIDES)
    try:
        secrets = {"jwt_secret": stack.env["JWT_SECRET"], "conversation_secret": stack.env["CONVERSATION_SECRET"],
                   "rasa_token": stack.env["RASA_TOKEN"], "rasa_channel_secret": stack.env["RASA_CHANNEL_SECRET"]}
        return _drive(stack.gateway_url, stack.rasa_url, Settings(**secrets), args)
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    """Time Rasa's turns at each checkpoint and write their figures as JSON; 1 when the benchmark could not run."""
    settings = get_settings()
    args = _parser(settings).parse_args(argv)
    try:
        if args.gateway:
            if {urlsplit(args.gateway).hostname, urlsplit(args.rasa).hostname} - LOOPBACK_HOSTS:
                print("the session growth benchmark sends traffic to loopback addresses only", file=sys.stderr)
                return 1
            figures = _drive(args.gateway.rstrip("/"), args.rasa, settings, args)
        else:
            figures = _with_own_stack(settings, args)
    except urllib.error.HTTPError as refused:
        print(f"{refused.url} answered {refused.code} {refused.reason}: are the assistant's secrets in this "
              "environment, and is it ready (GET /healthz)?", file=sys.stderr)
        return 1
    except (urllib.error.URLError, ConnectionError, NoReply) as problem:
        print(f"the session growth benchmark could not run: {problem}", file=sys.stderr)
        return 1
    publish(figures, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
