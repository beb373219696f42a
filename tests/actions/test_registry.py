"""The action server registers every action the domain names, and nothing it cannot run."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]


def test_the_action_server_registers_exactly_the_domains_custom_actions() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    domain_actions = set(yaml.safe_load((ROOT / "domain.yml").read_text())["actions"])
    assert set(executor.actions) == domain_actions
