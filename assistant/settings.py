"""Settings read once from the environment, with working defaults for the embedded profile."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from assistant.feed.sources import parse_sources
from assistant.ratelimit.buckets import BackOff, Rate

# Standard library only (assistant.ratelimit.buckets and assistant.feed.sources are too): the Rasa virtualenv
# imports this module (dialogue/launcher.py).

ROOT = Path(__file__).resolve().parent.parent

_SECRET = "secret"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _tracker_store_url() -> str:
    """Rasa's tracker store as a SQLAlchemy URL, from the variables the Rasa launcher gives its endpoints file."""
    if _env("ASSISTANT_PROFILE", "embedded") == "production":
        user, password = _env("RASA_TRACKER_DB_USER", "postgres"), os.environ.get("RASA_TRACKER_DB_PASSWORD", "")
        host, port = _env("RASA_TRACKER_DB_HOST", "127.0.0.1"), _env("RASA_TRACKER_DB_PORT", "5432")
        credentials = f"{quote(user, safe='')}:{quote(password, safe='')}" if password else quote(user, safe="")
        return f"postgresql+psycopg://{credentials}@{host}:{port}/{_env('RASA_TRACKER_DB', 'rasa_tracker')}"
    return f"sqlite:///{_env('RASA_TRACKER_DB', str(ROOT / 'var' / 'rasa-tracker.db'))}"


@dataclass(frozen=True)
class Limits:
    """What one client may consume (README "Limits"); a rate of 0 switches that limit off."""

    key_prefix: str = field(default_factory=lambda: _env("RATE_LIMIT_PREFIX", "assistant:limits"))
    chat_messages_per_minute: int = field(default_factory=lambda: _env_int("CHAT_MESSAGES_PER_MINUTE", 60))
    chat_message_burst: int = field(default_factory=lambda: _env_int("CHAT_MESSAGE_BURST", 20))
    # Sign-in attempts per client IP, agent and demo sign-in counted apart.
    sign_ins_per_minute: int = field(default_factory=lambda: _env_int("SIGN_INS_PER_MINUTE", 10))
    sign_in_burst: int = field(default_factory=lambda: _env_int("SIGN_IN_BURST", 10))
    sign_in_free_failures: int = field(default_factory=lambda: _env_int("SIGN_IN_FREE_FAILURES", 3))
    sign_in_backoff_seconds: int = field(default_factory=lambda: _env_int("SIGN_IN_BACKOFF_SECONDS", 1))
    sign_in_backoff_max_seconds: int = field(default_factory=lambda: _env_int("SIGN_IN_BACKOFF_MAX_SECONDS", 60))
    sign_in_lockout_failures: int = field(default_factory=lambda: _env_int("SIGN_IN_LOCKOUT_FAILURES", 10))
    sign_in_ip_lockout_failures: int = field(default_factory=lambda: _env_int("SIGN_IN_IP_LOCKOUT_FAILURES", 50))
    sign_in_lockout_seconds: int = field(default_factory=lambda: _env_int("SIGN_IN_LOCKOUT_SECONDS", 900))
    # 0: the client is the TCP peer. N: N proxies of ours append to X-Forwarded-For; the client is N-th from the right.
    trusted_proxy_hops: int = field(default_factory=lambda: _env_int("TRUSTED_PROXY_HOPS", 0))
    websocket_max_frame_bytes: int = field(default_factory=lambda: _env_int("WEBSOCKET_MAX_FRAME_BYTES", 65536))
    sockets_per_customer: int = field(default_factory=lambda: _env_int("SOCKETS_PER_CUSTOMER", 5))
    sockets_per_agent: int = field(default_factory=lambda: _env_int("SOCKETS_PER_AGENT", 3))

    @property
    def message_rate(self) -> Rate:
        """Chat messages per customer (HTTP and websocket frames together)."""
        return Rate.per_minute(self.chat_messages_per_minute, self.chat_message_burst)

    @property
    def sign_in_rate(self) -> Rate:
        """Sign-in attempts per client IP."""
        return Rate.per_minute(self.sign_ins_per_minute, self.sign_in_burst)

    def sign_in_back_off(self, lockout_failures: int) -> BackOff:
        """Waits after failed sign-ins, locking out after `lockout_failures`; failures are forgotten with the lockout."""
        return BackOff(self.sign_in_free_failures, self.sign_in_backoff_seconds, self.sign_in_backoff_max_seconds,
                       lockout_failures, self.sign_in_lockout_seconds, self.sign_in_lockout_seconds)


@dataclass(frozen=True)
class SecretSetting:
    """A setting that is a credential: the variable it is read from and the public default the embedded profile uses."""

    variable: str
    default: str
    parse: Callable[[str], Any] = str

    def values(self, value: Any) -> dict[str, str]:
        """The secret strings a setting's value holds, each under the name a refusal gives it."""
        if isinstance(value, Mapping):
            return {f"{self.variable} ({name})": str(secret) for name, secret in value.items()}
        return {self.variable: "" if value is None else str(value)}


def _secret(variable: str, default: str, parse: Callable[[str], Any] = str) -> Any:
    """Declare a secret setting: read from `variable`, kept out of repr, and checked by the production profile's
    start-up check (assistant/configuration.py) without being listed anywhere else."""
    spec = SecretSetting(variable, default, parse)
    return field(default_factory=lambda: parse(_env(variable, default)), repr=False, metadata={_SECRET: spec})


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the assistant; see README "Configuration"."""

    profile: str = field(default_factory=lambda: _env("ASSISTANT_PROFILE", "embedded"))
    database_url: str = field(
        default_factory=lambda: _env("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bank.db'}")
    )
    # How long a PostgreSQL connection may take to open, one statement may run (the server cancels it), and a
    # request may wait for a pooled connection; a call that outlasts all three together is given up as an outage.
    database_connect_timeout_seconds: float = field(
        default_factory=lambda: float(_env("DATABASE_CONNECT_TIMEOUT_SECONDS", "5")))
    database_statement_timeout_seconds: float = field(
        default_factory=lambda: float(_env("DATABASE_STATEMENT_TIMEOUT_SECONDS", "15")))
    database_pool_timeout_seconds: float = field(
        default_factory=lambda: float(_env("DATABASE_POOL_TIMEOUT_SECONDS", "10")))
    # Signs conversation ids so the action server can trust the customer behind a sender id.
    conversation_secret: str = _secret("CONVERSATION_SECRET", "dev-conversation-secret-change-me")
    jwt_secret: str = _secret("JWT_SECRET", "dev-jwt-secret-change-me-please-32b")
    jwt_ttl_seconds: int = field(default_factory=lambda: int(_env("JWT_TTL_SECONDS", "3600")))
    # Signs requests from the push-notification service (HMAC-SHA256, see assistant/signing.py).
    proactive_secret: str = _secret("PROACTIVE_SECRET", "dev-proactive-secret-change-me")
    chat_deep_link: str = field(default_factory=lambda: _env("CHAT_DEEP_LINK", "lumenbank://chat"))
    # A proactive request holds its idempotency key this long while it runs; a retry after that runs it again (the
    # holder died). Longer than RASA_TIMEOUT_SECONDS, so a slow but live request is not run twice.
    proactive_key_lease_seconds: float = field(
        default_factory=lambda: float(_env("PROACTIVE_KEY_LEASE_SECONDS", "60")))
    # How long the first response to a proactive idempotency key is kept and replayed; after that the key is new.
    proactive_key_ttl_seconds: int = field(default_factory=lambda: int(_env("PROACTIVE_KEY_TTL_SECONDS", "86400")))
    rasa_url: str = field(default_factory=lambda: _env("RASA_URL", "http://127.0.0.1:5005"))
    rasa_token: str = _secret("RASA_TOKEN", "dev-rasa-token")
    # Signs the gateway's messages to Rasa's input channel (dialogue/channels.py), the only way a message gets in.
    rasa_channel_secret: str = _secret("RASA_CHANNEL_SECRET", "dev-rasa-channel-secret-change-me")
    # Rasa presents it on every call to the action server (endpoints*.yml), which refuses calls without it.
    action_server_token: str = _secret("ACTION_SERVER_TOKEN", "dev-action-server-token-change-me")
    # Where the Rasa launcher (dialogue/launcher.py) serves, and the model it loads.
    rasa_host: str = field(default_factory=lambda: _env("RASA_HOST", "127.0.0.1"))
    rasa_port: int = field(default_factory=lambda: int(_env("RASA_PORT", "5005")))
    rasa_model: Path = field(default_factory=lambda: Path(_env("RASA_MODEL", str(ROOT / "models" / "assistant.tar.gz"))))
    rasa_timeout_seconds: float = field(default_factory=lambda: float(_env("RASA_TIMEOUT_SECONDS", "30")))
    # Rasa's Sanic workers, each with the model loaded: one core's worth of turns each (docs/performance.md). More
    # than one needs a lock store they share: SQLite next to the tracker store (embedded), Redis (production).
    rasa_workers: int = field(default_factory=lambda: _env_int("RASA_WORKERS", 2))
    # Origins whose pages may call the gateway from a browser (comma-separated); none: no CORS at all.
    cors_allowed_origins: tuple[str, ...] = field(default_factory=lambda: tuple(
        origin.strip().rstrip("/") for origin in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",") if origin.strip()))
    gateway_host: str = field(default_factory=lambda: _env("GATEWAY_HOST", "127.0.0.1"))
    gateway_port: int = field(default_factory=lambda: int(_env("GATEWAY_PORT", "8080")))
    action_host: str = field(default_factory=lambda: _env("ACTION_HOST", "127.0.0.1"))
    action_port: int = field(default_factory=lambda: int(_env("ACTION_PORT", "5055")))
    # Where the gateway asks whether the action server has warmed up (part of the gateway's own readiness).
    action_health_url: str = field(default_factory=lambda: _env(
        "ACTION_HEALTH_URL", f"http://127.0.0.1:{_env('ACTION_PORT', '5055')}/health"))
    # Redis for state the gateways share (rate limits, sign-in lockouts); required in production.
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", ""))
    limits: Limits = field(default_factory=Limits)
    max_message_chars: int = field(default_factory=lambda: int(_env("MAX_MESSAGE_CHARS", "2000")))
    default_daily_transfer_limit: Decimal = field(
        default_factory=lambda: Decimal(_env("DAILY_TRANSFER_LIMIT", "10000.00"))
    )
    seed_customers: int = field(default_factory=lambda: int(_env("SEED_CUSTOMERS", "500")))
    seed: int = field(default_factory=lambda: int(_env("SEED", "7")))
    build_dir: Path = field(default_factory=lambda: Path(_env("BUILD_DIR", str(ROOT / "build"))))
    # Threads that embed one customer question: a short query on 2 cores is answered in about half the time with
    # 2 threads than with 1 (measured: 8.5 vs 17.6 ms p50).
    knowledge_threads: int = field(default_factory=lambda: int(_env("KNOWLEDGE_THREADS", str(min(2, os.cpu_count() or 1)))))
    # The churn and next-best-offer models (default BUILD_DIR/models); a separate setting lets a test stack train
    # its own models without moving the other built artefacts.
    models_dir: Path = field(default_factory=lambda: Path(
        _env("MODELS_DIR", str(Path(_env("BUILD_DIR", str(ROOT / "build"))) / "models"))))
    # The core-banking feed: its own listener (python -m assistant.feed), each source with its own signing secret
    # ("name:secret,name2:secret2", read as {name: secret}), and the sanity limits on its records.
    feed_host: str = field(default_factory=lambda: _env("FEED_HOST", "127.0.0.1"))
    feed_port: int = field(default_factory=lambda: int(_env("FEED_PORT", "8070")))
    feed_sources: dict[str, str] = _secret("FEED_SOURCES", "core-banking:dev-feed-secret-change-me", parse_sources)
    feed_url: str = field(default_factory=lambda: _env("FEED_URL", "http://127.0.0.1:8070"))
    feed_max_amount: Decimal = field(default_factory=lambda: Decimal(_env("FEED_MAX_AMOUNT", "1000000.00")))
    feed_max_age_days: int = field(default_factory=lambda: int(_env("FEED_MAX_AGE_DAYS", "90")))
    # The feed's inbox: records are committed there before the feed answers 202, and workers
    # (`python -m assistant.feed work --forever`) claim batches with a lease and apply them; a record that fails
    # on its own MAX_ATTEMPTS times is dead-lettered. FEED_IN_PROCESS_DRAIN=1 makes the feed drain it itself.
    feed_inbox_lease_seconds: float = field(default_factory=lambda: float(_env("FEED_INBOX_LEASE_SECONDS", "60")))
    feed_inbox_batch_size: int = field(default_factory=lambda: _env_int("FEED_INBOX_BATCH_SIZE", 200))
    feed_inbox_max_attempts: int = field(default_factory=lambda: _env_int("FEED_INBOX_MAX_ATTEMPTS", 5))
    feed_inbox_interval_seconds: float = field(
        default_factory=lambda: float(_env("FEED_INBOX_INTERVAL_SECONDS", "1")))
    feed_in_process_drain: bool = field(default_factory=lambda: _env("FEED_IN_PROCESS_DRAIN", "0") == "1")
    # Predictive alerts: the transaction queue, the push service and the thresholds.
    amqp_url: str = field(default_factory=lambda: os.environ.get("AMQP_URL", ""))
    amqp_queue: str = field(default_factory=lambda: _env("AMQP_QUEUE", "lumen.transactions"))
    # With AMQP_URL the feed wakes its inbox workers through this queue (a wake-up only: the inbox is the record).
    amqp_wakeup_queue: str = field(default_factory=lambda: _env("AMQP_WAKEUP_QUEUE", "lumen.feed.wakeup"))
    push_webhook_url: str = field(default_factory=lambda: _env("PUSH_WEBHOOK_URL", "http://127.0.0.1:8090/push"))
    push_simulator_port: int = field(default_factory=lambda: int(_env("PUSH_SIMULATOR_PORT", "8090")))
    # The outbox: a worker's claim on a batch lasts the lease (then another worker may take it over); a failed
    # delivery waits a random time up to BACKOFF * 2^attempts (at most BACKOFF_MAX) and is dead-lettered after
    # MAX_ATTEMPTS tries.
    outbox_lease_seconds: float = field(default_factory=lambda: float(_env("OUTBOX_LEASE_SECONDS", "60")))
    outbox_batch_size: int = field(default_factory=lambda: _env_int("OUTBOX_BATCH_SIZE", 20))
    outbox_max_attempts: int = field(default_factory=lambda: _env_int("OUTBOX_MAX_ATTEMPTS", 12))
    outbox_backoff_seconds: float = field(default_factory=lambda: float(_env("OUTBOX_BACKOFF_SECONDS", "2")))
    outbox_backoff_max_seconds: float = field(default_factory=lambda: float(_env("OUTBOX_BACKOFF_MAX_SECONDS", "600")))
    outbox_interval_seconds: float = field(default_factory=lambda: float(_env("OUTBOX_INTERVAL_SECONDS", "1")))
    proactive_url: str = field(
        default_factory=lambda: _env("PROACTIVE_URL", "http://127.0.0.1:8080/api/v1/proactive")
    )
    bill_alert_days: int = field(default_factory=lambda: int(_env("BILL_ALERT_DAYS", "3")))
    # Empty: use the threshold calibrated by `python -m assistant.alerts eval` (build/alerts/calibration.json).
    alert_threshold: str = field(default_factory=lambda: os.environ.get("ALERT_THRESHOLD", ""))
    alert_history_size: int = field(default_factory=lambda: int(_env("ALERT_HISTORY_SIZE", "256")))
    alert_half_precision: bool = field(default_factory=lambda: _env("ALERT_HALF_PRECISION", "0") == "1")
    # A churn probability at or above this counts as at risk (retention offers, the agent console's flag).
    churn_high_risk: float = field(default_factory=lambda: float(_env("CHURN_HIGH_RISK", "0.4")))
    offer_contact_gap_days: int = field(default_factory=lambda: int(_env("OFFER_CONTACT_GAP_DAYS", "7")))
    retention_batch_limit: int = field(default_factory=lambda: int(_env("RETENTION_BATCH_LIMIT", "50")))

    # Python logging level name of every service (Rasa and rasa-sdk read LOG_LEVEL too).
    # Rasa's tracker store, read and changed directly by `python -m assistant privacy` (export and erase).
    tracker_store_url: str = field(default_factory=lambda: _env("TRACKER_STORE_URL", _tracker_store_url()),
                                   repr=False)
    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO").upper())

    # The bank's OpenID Connect provider, whose access tokens sign customers and agents in (empty issuer: none).
    oidc_issuer: str = field(default_factory=lambda: os.environ.get("OIDC_ISSUER", ""))
    oidc_audience: str = field(default_factory=lambda: os.environ.get("OIDC_AUDIENCE", ""))
    oidc_jwks_url: str = field(default_factory=lambda: os.environ.get("OIDC_JWKS_URL", ""))
    oidc_algorithms: tuple[str, ...] = field(default_factory=lambda: tuple(
        name.strip() for name in _env("OIDC_ALGORITHMS", "RS256,ES256").split(",") if name.strip()))
    # Which claim lists a user's roles (a dotted path reaches into objects, e.g. realm_access.roles) and the
    # role that makes the bearer a support agent.
    oidc_agent_role_claim: str = field(default_factory=lambda: _env("OIDC_AGENT_ROLE_CLAIM", "roles"))
    oidc_agent_role: str = field(default_factory=lambda: _env("OIDC_AGENT_ROLE", "support-agent"))
    oidc_name_claim: str = field(default_factory=lambda: _env("OIDC_NAME_CLAIM", "name"))
    # Clock skew allowed between the identity provider and the gateway when checking exp and nbf.
    oidc_leeway_seconds: float = field(default_factory=lambda: float(_env("OIDC_LEEWAY_SECONDS", "30")))
    oidc_jwks_cache_seconds: float = field(default_factory=lambda: float(_env("OIDC_JWKS_CACHE_SECONDS", "300")))
    # A token with an unknown key id refetches the keys at most this often, so forged key ids cannot flood the
    # provider; a rotated key is picked up within this time.
    oidc_jwks_refresh_seconds: float = field(
        default_factory=lambda: float(_env("OIDC_JWKS_REFRESH_SECONDS", "30")))
    # Agents' email-and-password sign-in, "1" or "0"; empty: on in the embedded profile, off in production, where
    # the bank's identity provider signs agents in unless the bank keeps passwords (see agent_password_sign_in).
    agent_password_sign_in_choice: str = field(default_factory=lambda: os.environ.get("AGENT_PASSWORD_SIGN_IN", ""))
    # Whether the outbox delivery and the push-service simulator wait at start-up until what they call reports ready
    # ("1" or "0"); empty: on in the embedded profile, off in production, where the push service is the bank's own.
    wait_for_ready_choice: str = field(default_factory=lambda: os.environ.get("WAIT_FOR_READY", ""))
    # How often an open agent console checks that its agent is still enabled.
    agent_recheck_seconds: float = field(default_factory=lambda: float(_env("AGENT_RECHECK_SECONDS", "10")))

    @property
    def production(self) -> bool:
        """Whether this is the production profile (checked strictly at start-up: assistant/configuration.py)."""
        return self.profile == "production"

    @property
    def oidc_enabled(self) -> bool:
        """Whether tokens from the bank's identity provider are accepted."""
        return bool(self.oidc_issuer)

    @property
    def agent_password_sign_in(self) -> bool:
        """Whether agents may sign in with email and password (and the gateway issues agent tokens)."""
        if self.agent_password_sign_in_choice:
            return self.agent_password_sign_in_choice == "1"
        return self.profile == "embedded"

    @property
    def wait_for_ready(self) -> bool:
        """Whether workers wait for the services they call to report ready before they start calling them."""
        if self.wait_for_ready_choice:
            return self.wait_for_ready_choice == "1"
        return self.profile == "embedded"

    @property
    def demo_sign_in_enabled(self) -> bool:
        """Demo sign-in issues tokens without a password, so only the embedded profile offers it."""
        return self.profile == "embedded"


def secret_settings(settings: Settings) -> Iterator[tuple[SecretSetting, Any]]:
    """Every declared secret setting with its value in these settings."""
    for setting in fields(Settings):
        if _SECRET in setting.metadata:
            yield setting.metadata[_SECRET], getattr(settings, setting.name)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read from the environment on first use)."""
    return Settings()
