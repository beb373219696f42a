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
    "core-banking feed": ["-m", "assistant.feed"],
    "action server": ["-m", "actions.server"],
    "Rasa launcher": ["-m", "dialogue.launcher"],
    "push-service simulator": ["-m", "assistant.push_simulator"],
    "outbox delivery": ["-m", "assistant.alerts", "deliver", "--forever"],
    "feed inbox worker": ["-m", "assistant.feed", "work", "--forever"],
    "upcoming-bill alerts": ["-m", "assistant.alerts", "bills"],
    "start-up banner": ["-m", "assistant.ready_banner"],
}


# The bank's identity provider, which the production profile needs for customers to sign in at all.
IDENTITY_PROVIDER = {"OIDC_ISSUER": "https://id.bank.test/realms/lumen", "OIDC_AUDIENCE": "lumen-assistant",
                     "OIDC_JWKS_URL": "https://id.bank.test/realms/lumen/protocol/openid-connect/certs"}


SETTINGS_OF_IDENTITY_PROVIDER = {"oidc_issuer": IDENTITY_PROVIDER["OIDC_ISSUER"],
                                 "oidc_audience": IDENTITY_PROVIDER["OIDC_AUDIENCE"],
                                 "oidc_jwks_url": IDENTITY_PROVIDER["OIDC_JWKS_URL"]}


def strong_secrets() -> dict[str, str]:
    """A distinct random value of 32 bytes or more for every declared secret variable (FEED_SOURCES: one source)."""
    return {spec.variable: secrets.token_urlsafe(32) if spec.variable != "FEED_SOURCES"
            else f"core-banking:{secrets.token_urlsafe(32)}" for spec, _ in secret_settings(Settings())}


def production(**overrides: str) -> Settings:
    """Production settings with strong secrets, then the given variables (read as the environment would be)."""
    with patch.dict(os.environ, {"ASSISTANT_PROFILE": "production", **strong_secrets(), **IDENTITY_PROVIDER,
                                 **overrides}):
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
    problems = configuration_problems(Settings(profile="production", **SETTINGS_OF_IDENTITY_PROVIDER))
    # A secret holding several (FEED_SOURCES) names each of them: "FEED_SOURCES (core-banking)".
    assert [problem.variable.split(" ")[0] for problem in problems] == variables


def test_production_refuses_a_weak_secret_of_one_feed_source_naming_the_source() -> None:
    strong = f"core-banking:{secrets.token_urlsafe(32)}"
    problems = configuration_problems(production(FEED_SOURCES=f"{strong},cards:short"))
    assert [problem.variable for problem in problems] == ["FEED_SOURCES (cards)"]


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
    checked = run_python(["-m", "assistant", "config", "check"], **strong_secrets(), **IDENTITY_PROVIDER)
    assert (checked.returncode, checked.stderr) == (0, "")


@pytest.mark.parametrize("service", ENTRY_POINTS)
def test_every_service_refuses_to_start_in_production_with_the_default_secrets(service: str) -> None:
    started = run_python(ENTRY_POINTS[service], DATABASE_URL="sqlite:///:memory:")
    assert (started.returncode, "JWT_SECRET" in started.stderr) == (EXIT_CONFIG, True), started.stderr[-2000:]


def test_production_without_the_banks_identity_provider_is_refused_naming_its_variables() -> None:
    problems = configuration_problems(production(OIDC_ISSUER=""))
    assert [(problem.variable, "OIDC_AUDIENCE and OIDC_JWKS_URL" in problem.message) for problem in problems] == [
        ("OIDC_ISSUER", True)]


@pytest.mark.parametrize("algorithms", ["HS256", "RS256,none", ","])
def test_symmetric_none_or_no_algorithms_for_the_identity_provider_are_refused(algorithms: str) -> None:
    problems = configuration_problems(production(OIDC_ALGORITHMS=algorithms))
    assert [problem.variable for problem in problems] == ["OIDC_ALGORITHMS"]


def test_an_issuer_without_audience_or_keys_names_what_is_missing() -> None:
    problems = configuration_problems(Settings(profile="embedded", oidc_issuer=IDENTITY_PROVIDER["OIDC_ISSUER"]))
    assert [problem.variable for problem in problems] == ["OIDC_AUDIENCE", "OIDC_JWKS_URL"]


def test_keys_fetched_over_plain_http_from_another_machine_are_refused() -> None:
    problems = configuration_problems(production(OIDC_JWKS_URL="http://id.bank.test/certs"))
    assert [problem.variable for problem in problems] == ["OIDC_JWKS_URL"]


def test_the_gateway_refuses_to_start_in_production_without_an_identity_provider() -> None:
    started = run_python(ENTRY_POINTS["gateway"], DATABASE_URL="sqlite:///:memory:", **strong_secrets())
    assert (started.returncode, "OIDC_ISSUER" in started.stderr) == (EXIT_CONFIG, True), started.stderr[-2000:]


def test_production_refuses_a_proactive_key_lease_that_runs_out_while_rasa_may_still_answer() -> None:
    problems = configuration_problems(production(PROACTIVE_KEY_LEASE_SECONDS="30", RASA_TIMEOUT_SECONDS="30"))
    assert [problem.variable for problem in problems] == ["PROACTIVE_KEY_LEASE_SECONDS"]


def test_a_proactive_key_ttl_of_zero_is_refused() -> None:
    with patch.dict(os.environ, {"PROACTIVE_KEY_TTL_SECONDS": "0"}):
        problems = configuration_problems(Settings(profile="embedded"))
    assert [problem.variable for problem in problems] == ["PROACTIVE_KEY_TTL_SECONDS"]


def test_production_refuses_the_feed_draining_its_own_inbox() -> None:
    problems = configuration_problems(production(FEED_IN_PROCESS_DRAIN="1"))
    assert [problem.variable for problem in problems] == ["FEED_IN_PROCESS_DRAIN"]


def test_a_feed_inbox_lease_of_zero_is_refused() -> None:
    with patch.dict(os.environ, {"FEED_INBOX_LEASE_SECONDS": "0"}):
        problems = configuration_problems(Settings(profile="embedded"))
    assert [problem.variable for problem in problems] == ["FEED_INBOX_LEASE_SECONDS"]
