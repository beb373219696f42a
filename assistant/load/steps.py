"""One load step: N Locust customers chatting against the gateway for a while, timed turn by turn, with the CPU each
service used while they did. Imports Locust, which patches the process for gevent: only the benchmark's own process
may import this module."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import gevent
from locust.env import Environment

from assistant.load.cpu import cpu_seconds, own_cpu_seconds
from assistant.load.customers import BenchCustomer
from assistant.load.figures import Recorder, latency_figures
from assistant.load.users import customer_class

RAMP_TIMEOUT_SECONDS = 120.0
MAX_SPAWN_RATE = 50.0  # customers a second; faster makes Locust warn and the sign-ins themselves the load


@dataclass(frozen=True)
class LoadStep:
    """How many customers chat, for how long (measured after they have all started), one message per `pacing`."""

    customers: int
    seconds: float
    pacing_seconds: float


def run_step(step: LoadStep, customers: list[BenchCustomer], gateway_url: str,
             service_groups: Mapping[str, int]) -> dict[str, Any]:
    """Start the step's customers, let them settle, measure for `step.seconds`, stop them; the step's figures."""
    environment = Environment(user_classes=[customer_class(customers[:step.customers], gateway_url,
                                                           step.pacing_seconds)])
    recorder = Recorder()
    environment.events.request.add_listener(recorder.record)
    runner = environment.create_local_runner()
    # Spread the customers' first messages over one pacing interval, as their messages are spread afterwards.
    spawn_rate = min(max(step.customers / max(step.pacing_seconds, 1.0), 1.0), MAX_SPAWN_RATE)
    runner.start(step.customers, spawn_rate=spawn_rate)
    deadline = time.monotonic() + RAMP_TIMEOUT_SECONDS
    while runner.user_count < step.customers and time.monotonic() < deadline:
        gevent.sleep(0.2)
    gevent.sleep(max(step.pacing_seconds, 2.0))  # every customer past their first message
    started = runner.user_count
    services_before, own_before = cpu_seconds(service_groups), own_cpu_seconds()
    recorder.window_start = time.monotonic()
    gevent.sleep(step.seconds)
    recorder.window_end = time.monotonic()
    services_after, own_after = cpu_seconds(service_groups), own_cpu_seconds()
    runner.quit()
    measured = recorder.window_end - recorder.window_start
    all_turns = [sample for samples in recorder.turns.values() for sample in samples]
    count = max(len(all_turns), 1)
    return {
        "customers": step.customers,
        "started": started,
        "pacing_seconds": step.pacing_seconds,
        "measured_seconds": round(measured, 1),
        "turns_per_second": round(len(all_turns) / measured, 2),
        **latency_figures(all_turns),
        "by_kind": {kind: latency_figures(samples) for kind, samples in sorted(recorder.turns.items())},
        "errors": sum(recorder.failures.values()),
        "errors_by_name": dict(recorder.failures),
        "error_examples": recorder.failure_examples,
        "cpu_seconds_per_turn": {service: round((services_after[service] - services_before[service]) / count, 4)
                                 for service in services_after},
        "cpu_share_of_one_core": {service: round((services_after[service] - services_before[service]) / measured, 3)
                                  for service in services_after} | {"load_generator": round((own_after - own_before) / measured, 3)},
    }
