"""`python -m assistant.load`: the load benchmark (`make bench-load`).

Without `--gateway` it starts its own assistant (assistant/local_stack.py: every service as in `make run`, over a
freshly seeded bank under build/bench/load-stack) and stops it after; with `--gateway` it drives one already running
(`make run`), chatting as that bank's customers with tokens from its signing key (JWT_SECRET as that assistant has it).
Traffic goes to loopback addresses only; every step is bounded in customers and seconds.
"""

from __future__ import annotations

# Locust's gevent patches the standard library's sockets and threads; it must come before anything else opens them.
from locust import events as _locust_events  # noqa: F401  (imported first for its monkey-patching)

import argparse
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from assistant.bench_results import publish
from assistant.db import make_engine
from assistant.load.cpu import service_groups
from assistant.load.customers import NotEnoughCustomers, bench_customers
from assistant.load.mix import SCRIPTS
from assistant.load.steps import LoadStep, run_step
from assistant.settings import Settings, get_settings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# A benchmark measures what the services can do, not the per-customer limits; these stay on but out of the way.
STACK_OVERRIDES = {"LOG_LEVEL": "INFO", "CHAT_MESSAGES_PER_MINUTE": "6000", "CHAT_MESSAGE_BURST": "200"}
# Customers the bank keeps beside the ones who chat: the churn and offer models need a bank of some size to train.
SPARE_CUSTOMERS = 50


def _steps(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of customer counts, e.g. 1,10,50") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("every step needs at least one customer")
    return counts


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant.load", description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", help="a running assistant's gateway (loopback only); default: start one")
    parser.add_argument("--steps", type=_steps, help="customers at each step (default 1,10,50,100,200; "
                                                     "with --no-think-time 1,5,10,20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds per step (default 60)")
    parser.add_argument("--pacing", type=float, default=10.0,
                        help="seconds between one customer's messages (default 10)")
    parser.add_argument("--no-think-time", action="store_true",
                        help="customers send their next message as soon as the last is answered: the most turns a "
                             "second the assistant serves")
    parser.add_argument("--first-customer", type=int, default=1, help="the lowest customer id to chat as")
    parser.add_argument("--out", type=Path, help="where the JSON goes (default build/bench/load.json, or "
                                                 "load-no-think-time.json)")
    return parser


def _drive(gateway_url: str, settings: Settings, database_url: str, ports: dict[str, int],
           args: argparse.Namespace, steps: list[int]) -> dict:
    customers = bench_customers(make_engine(database_url), settings, max(steps), args.first_customer)
    groups = service_groups(ports)
    pacing = 0.0 if args.no_think_time else args.pacing
    results = []
    for count in steps:
        print(f"load step: {count} customers, {args.seconds:.0f} s measured", file=sys.stderr, flush=True)
        results.append(run_step(LoadStep(count, args.seconds, pacing), customers, gateway_url, groups))
    return {"gateway": gateway_url, "pacing_seconds": pacing, "services_measured": sorted(groups),
            "mix": {script.name: script.weight for script in SCRIPTS}, "steps": results}


def _ports_of(*urls: str) -> list[int]:
    return [urlsplit(url).port or 80 for url in urls]


def main(argv: list[str] | None = None) -> int:
    """Run the load steps and write their figures as JSON; 1 when the benchmark could not run."""
    args = _parser().parse_args(argv)
    steps = args.steps or ([1, 5, 10, 20] if args.no_think_time else [1, 10, 50, 100, 200])
    settings = get_settings()
    out = args.out or settings.build_dir / "bench" / ("load-no-think-time.json" if args.no_think_time else "load.json")
    try:
        if args.gateway:
            if urlsplit(args.gateway).hostname not in LOOPBACK_HOSTS:
                print("the load benchmark sends traffic to loopback addresses only", file=sys.stderr)
                return 1
            gateway, rasa, actions = _ports_of(args.gateway, f"http://x:{settings.rasa_port}",
                                               f"http://x:{settings.action_port}")
            figures = _drive(args.gateway.rstrip("/"), settings, settings.database_url,
                             {"gateway": gateway, "rasa": rasa, "actions": actions}, args, steps)
        else:
            figures = _with_own_stack(settings, args, steps)
    except NotEnoughCustomers as problem:
        print(problem, file=sys.stderr)
        return 1
    publish(figures, out)
    return 0


def _with_own_stack(settings: Settings, args: argparse.Namespace, steps: list[int]) -> dict:
    from assistant.local_stack import launch  # the stack's modules are needed only when the benchmark starts one

    workdir = settings.build_dir / "bench" / "load-stack"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    print(f"starting the assistant over a bank of {max(steps) + SPARE_CUSTOMERS} customers in {workdir}",
          file=sys.stderr, flush=True)
    stack = launch(workdir, customers=max(steps) + SPARE_CUSTOMERS, overrides=STACK_OVERRIDES)
    try:
        ports = dict(zip(("gateway", "rasa", "actions"), _ports_of(stack.gateway_url, stack.rasa_url, stack.action_url)))
        figures = _drive(stack.gateway_url, Settings(jwt_secret=stack.env["JWT_SECRET"]), stack.database_url, ports,
                         args, steps)
    finally:
        stack.stop()
    checked = stack.ledger_check()
    return {**figures, "ledger_check": "clean" if checked.returncode == 0 else checked.stdout + checked.stderr}


if __name__ == "__main__":
    sys.exit(main())
