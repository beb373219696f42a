"""The start-up check: a known profile, and in production every secret set, long enough and not a shipped default."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import pytest

from assistant.configuration import EXIT_CONFIG, configuration_problems, require_valid_configuration
from assistant.settings import Settings, secret_settings

ROOT = Path(__file__).resolve().parents[1]

# Every service's entry point: each must run the check before it starts anything.
ENTRY_POINTS = {
    "gateway": ["-m", "assistant.gateway"],
    "action server": ["-m", "actions.server"],
    "Rasa launcher": ["-m", "dialogue.launcher"],
    "push-service simulator": ["-m", "assistant.push_simulator"],
    "outbox delivery": ["-m", "assistant.alerts", "deliver", "--forever"],
    "upcoming-bill alerts": ["-m", "assistant.alerts", "bills"],
}


def strong_secrets() -> dict[str, str]:
    """A distinct random value of 32 bytes or more for every declared secret variable."""
    return {spec.variable: secrets.token_urlsafe(32) for spec, _ in secret_settings(Settings())}


def production(**overrides: str) -> Settings:
    """Production settings with strong secrets, then the given variables (read as the environment would be)."""
    with patch.dict(os.environ, {"ASSISTANT_PROFILE": "production", **strong_secrets(), **overrides}):
        return Settings()


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ASSISTANT_PROFILE": "production", **env})


def test_the_embedded_profile_starts_with_the_shipped_defaults() -> None:
    assert configuration_problems(Settings(profile="embedded")) == []


def test_production_with_strong_distinct_secrets_is_accepted() -> None:
    assert configuration_problems(production()) == []


def test_production_refuses_every_shipped_default_secret_naming_its_variable() -> None:
    variables = [spec.variable for spec, _ in secret_settings(Settings())]
    assert [problem.variable for problem in configuration_problems(Settings(profile="production"))] == variables


def test_production_refuses_a_default_shipped_for_another_secret() -> None:
    problems = configuration_problems(production(RASA_TOKEN="dev-jwt-secret-change-me-please-32b"))
    assert [problem.variable for problem in problems] == ["RASA_TOKEN"]


def test_production_refuses_a_secret_shorter_than_32_bytes() -> None:
    problems = configuration_problems(production(JWT_SECRET="x" * 31))
    assert [(problem.variable, "31 bytes" in problem.message) for problem in problems] == [("JWT_SECRET", True)]


def test_production_refuses_one_value_for_two_secrets() -> None:
    shared = secrets.token_urlsafe(32)
    problems = configuration_problems(production(JWT_SECRET=shared, CONVERSATION_SECRET=shared))
    assert [problem.variable for problem in problems] == ["JWT_SECRET"]


def test_an_unknown_profile_is_refused() -> None:
    problems = configuration_problems(Settings(profile="prod"))
    assert [(problem.variable, "'prod'" in problem.message) for problem in problems] == [("ASSISTANT_PROFILE", True)]


def test_a_refused_configuration_exits_with_status_78_naming_the_variable(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stopped:
        require_valid_configuration("The gateway", production(PROACTIVE_SECRET="short"))
    assert (stopped.value.code, "PROACTIVE_SECRET is 5 bytes" in capsys.readouterr().err) == (EXIT_CONFIG, True)


def test_config_check_exits_78_and_names_every_default_secret() -> None:
    checked = run_python(["-m", "assistant", "config", "check"])
    named = [spec.variable for spec, _ in secret_settings(Settings()) if spec.variable in checked.stderr]
    assert (checked.returncode, named) == (EXIT_CONFIG, [spec.variable for spec, _ in secret_settings(Settings())])


def test_config_check_exits_0_for_a_valid_production_configuration() -> None:
    checked = run_python(["-m", "assistant", "config", "check"], **strong_secrets())
    assert (checked.returncode, checked.stderr) == (0, "")


@pytest.mark.parametrize("service", ENTRY_POINTS)
def test_every_service_refuses_to_start_in_production_with_the_default_secrets(service: str) -> None:
    started = run_python(ENTRY_POINTS[service], DATABASE_URL="sqlite:///:memory:")
    assert (started.returncode, "JWT_SECRET" in started.stderr) == (EXIT_CONFIG, True), started.stderr[-2000:]
