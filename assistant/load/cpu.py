"""CPU seconds each service has used, found by the loopback port it listens on: the listening process's whole
process group (Sanic's worker and its parent, Rasa's launcher), as `make run` (honcho) and the test stack start each
service in a group of its own."""

from __future__ import annotations

import os
from collections.abc import Mapping

import psutil


def _listening_pid(port: int) -> int | None:
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port:
            return connection.pid
    return None


def service_groups(ports: Mapping[str, int]) -> dict[str, int]:
    """The process group of each service that listens on its port; services nobody serves are left out."""
    groups = {}
    for service, port in ports.items():
        pid = _listening_pid(port)
        if pid is not None:
            try:
                groups[service] = os.getpgid(pid)
            except ProcessLookupError:
                continue
    return groups


def cpu_seconds(groups: Mapping[str, int]) -> dict[str, float]:
    """User plus system CPU seconds used so far by the live processes of each process group."""
    used = {service: 0.0 for service in groups}
    by_group = {group: service for service, group in groups.items()}
    for process in psutil.process_iter():
        try:
            service = by_group.get(os.getpgid(process.pid))
            if service is not None:
                times = process.cpu_times()
                used[service] += times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
            continue
    return used


def own_cpu_seconds() -> float:
    """CPU seconds the benchmark itself used so far: the load generator shares the cores with the assistant."""
    times = psutil.Process().cpu_times()
    return times.user + times.system
