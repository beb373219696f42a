"""The start-up check every service runs: a known profile, and in production secrets nobody else knows.

`python -m assistant config check` (or, before any virtualenv exists, `python3 -m assistant.configuration`) prints
the problems and exits with EXIT_CONFIG.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from assistant.settings import Settings, get_settings, secret_settings

# Standard library only, like assistant/settings.py: the Rasa launcher runs this check in the Rasa virtualenv.

PROFILES = ("embedded", "production")
MIN_SECRET_BYTES = 32
# Public-key algorithms only for the identity provider's tokens: with a symmetric one anybody holding the published
# key could sign tokens, and `none` signs nothing.
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# sysexits.h EX_CONFIG: the service cannot run with this configuration (a supervisor should not just restart it).
EXIT_CONFIG = 78


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration, named by its environment variable."""

    variable: str
    message: str

    def __str__(self) -> str:
        return f"{self.variable} {self.message}"


def _shipped_defaults(settings: Settings) -> set[str]:
    """Every secret value the code ships with, whichever setting it is the default of."""
    shipped: set[str] = set()
    for spec, _ in secret_settings(settings):
        shipped.update(spec.values(spec.parse(spec.default)).values())
    return shipped


def _secret_problems(settings: Settings) -> list[Problem]:
    shipped = _shipped_defaults(settings)
    problems: list[Problem] = []
    first_use: dict[str, str] = {}
    for spec, value in secret_settings(settings):
        for name, secret in spec.values(value).items():
            if not secret:
                problems.append(Problem(name, "is not set"))
            elif secret in shipped:
                problems.append(Problem(name, "is not set or is a default shipped with the code, which anyone who "
                                              "reads it knows"))
            elif len(secret.encode()) < MIN_SECRET_BYTES:
                problems.append(Problem(name, f"is {len(secret.encode())} bytes long; it must be at least "
                                              f"{MIN_SECRET_BYTES}"))
            elif secret in first_use:
                # One leaked value would then open both doors.
                problems.append(Problem(name, f"has the same value as {first_use[secret]}; each secret must differ"))
            else:
                first_use[secret] = name
    return problems


def _trusted_address(url: str) -> bool:
    """https, or plain http to this machine (a provider run beside the gateway, as in the tests)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost", "::1"})


def _identity_problems(settings: Settings) -> list[Problem]:
    """The bank's identity provider: required in production, and complete and public-key-only wherever it is set."""
    if not settings.oidc_enabled:
        return [Problem("OIDC_ISSUER", "is not set; in production customers sign in with the bank's identity "
                                       "provider (set OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL)")
                ] if settings.production else []
    problems = [Problem(name, "is not set; it is needed with OIDC_ISSUER")
                for name, value in (("OIDC_AUDIENCE", settings.oidc_audience), ("OIDC_JWKS_URL", settings.oidc_jwks_url))
                if not value]
    if settings.oidc_jwks_url and not _trusted_address(settings.oidc_jwks_url):
        problems.append(Problem("OIDC_JWKS_URL", "must be an https:// address (plain http only to this machine)"))
    refused = [name for name in settings.oidc_algorithms if name not in ASYMMETRIC_ALGORITHMS]
    if refused or not settings.oidc_algorithms:
        problems.append(Problem("OIDC_ALGORITHMS", f"may list only {', '.join(ASYMMETRIC_ALGORITHMS)} "
                                                   f"(refused: {', '.join(refused) or 'an empty list'})"))
    return problems


def _proactive_key_problems(settings: Settings) -> list[Problem]:
    problems = []
    if settings.proactive_key_ttl_seconds <= 0:
        problems.append(Problem("PROACTIVE_KEY_TTL_SECONDS", "must be a positive number of seconds"))
    if settings.proactive_key_lease_seconds <= 0:
        problems.append(Problem("PROACTIVE_KEY_LEASE_SECONDS", "must be a positive number of seconds"))
    elif settings.production and settings.proactive_key_lease_seconds <= settings.rasa_timeout_seconds:
        # A lease that runs out while the gateway still waits for Rasa lets a retry send the message a second time.
        problems.append(Problem("PROACTIVE_KEY_LEASE_SECONDS",
                                f"must be longer than RASA_TIMEOUT_SECONDS ({settings.rasa_timeout_seconds:g} s)"))
    return problems


def _feed_inbox_problems(settings: Settings) -> list[Problem]:
    """The feed keeps what it accepts in its inbox table; there is no in-memory queue to fall back to, and the
    production profile refuses the feed draining its own inbox (that is the workers' job, restartable on their own)."""
    problems = [Problem(variable, "must be at least 1") for variable, value in (
        ("FEED_INBOX_BATCH_SIZE", settings.feed_inbox_batch_size),
        ("FEED_INBOX_MAX_ATTEMPTS", settings.feed_inbox_max_attempts)) if value < 1]
    if settings.feed_inbox_lease_seconds <= 0:
        problems.append(Problem("FEED_INBOX_LEASE_SECONDS", "must be a positive number of seconds"))
    if settings.production and settings.feed_in_process_drain:
        problems.append(Problem("FEED_IN_PROCESS_DRAIN", "is for the embedded profile; in production run "
                                                         "`python -m assistant.feed work --forever` workers"))
    return problems


def configuration_problems(settings: Settings) -> list[Problem]:
    """What stops these settings from being used: an unknown profile, a broken identity-provider setup, or in
    production a weak or public secret."""
    if settings.profile not in PROFILES:
        return [Problem("ASSISTANT_PROFILE", f"is {settings.profile!r}; it must be one of {', '.join(PROFILES)}")]
    return ((_secret_problems(settings) if settings.production else []) + _identity_problems(settings)
            + _proactive_key_problems(settings) + _feed_inbox_problems(settings))


def problems_report(service: str, settings: Settings, problems: list[Problem]) -> str:
    """The refusal a service prints: every offending variable, and how to make a secret."""
    lines = [f"{service} refuses to start with the {settings.profile!r} profile:"]
    lines += [f"  - {problem}" for problem in problems]
    if any(problem.variable != "ASSISTANT_PROFILE" for problem in problems):
        lines.append(f"Set each to a random value of at least {MIN_SECRET_BYTES} bytes, e.g. "
                     "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`.")
    return "\n".join(lines)


def require_valid_configuration(service: str, settings: Settings | None = None) -> Settings:
    """The settings if they are safe to start `service` with; otherwise print why and exit with EXIT_CONFIG."""
    settings = settings or get_settings()
    problems = configuration_problems(settings)
    if problems:
        print(problems_report(service, settings, problems), file=sys.stderr, flush=True)
        raise SystemExit(EXIT_CONFIG)
    return settings


def main() -> int:
    """Print what is wrong with the environment's configuration; the exit status says whether anything is."""
    settings = get_settings()
    if problems := configuration_problems(settings):
        print(problems_report("The assistant", settings, problems), file=sys.stderr)
        return EXIT_CONFIG
    print(f"The configuration is valid for the {settings.profile!r} profile.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
