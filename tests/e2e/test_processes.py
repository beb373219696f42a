"""No secret is on a command line: `ps` and /proc/PID/cmdline show no secret value of the running assistant."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings, secret_settings
from assistant.local_stack import Stack

pytestmark = pytest.mark.e2e


def _command_lines() -> dict[int, str]:
    """Every process's command line (arguments joined by spaces), where it can be read."""
    lines = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:  # the process ended meanwhile
                continue
    return lines


def test_no_running_process_has_a_secret_of_the_assistant_on_its_command_line(stack: Stack) -> None:
    secrets = {spec.variable: stack.env[spec.variable] for spec, _ in secret_settings(Settings())
               if stack.env.get(spec.variable)}
    lines = _command_lines()
    assert all(process.pid in lines for process in stack.processes.values())  # the stack's own are readable
    exposed = [(pid, variable, lines[pid][:120]) for pid in lines for variable, secret in secrets.items()
               if secret in lines[pid]]
    assert exposed == []
