"""Start the Rasa server in this process: `.venv-rasa/bin/python -m dialogue.launcher`.

The HTTP API token reaches Rasa's argument parser inside the process (from RASA_TOKEN), never on a command line that
`ps` or /proc/PID/cmdline would show. Before Rasa loads, the configuration is checked as every service checks it and
the log redaction is installed. The profile chooses the endpoints: `endpoints.yml` (SQLite tracker store) or
`endpoints.production.yml` (PostgreSQL tracker store, Redis lock store).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from assistant.configuration import require_valid_configuration
from assistant.log_redaction import install_log_redaction
from assistant.settings import ROOT, Settings, secret_settings

# What endpoints.production.yml reads, when the environment does not say.
PRODUCTION_STORE_DEFAULTS = {
    "RASA_TRACKER_DB_HOST": "127.0.0.1",
    "RASA_TRACKER_DB_PORT": "5432",
    "RASA_TRACKER_DB_USER": "postgres",
    "RASA_TRACKER_DB_PASSWORD": "",
    "RASA_TRACKER_DB": "rasa_tracker",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_LOCK_DB": "1",
}


# Rasa's settings for TensorFlow's thread pools (rasa/constants.py), and OpenMP's.
TENSORFLOW_THREADS = ("TF_INTER_OP_PARALLELISM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS", "OMP_NUM_THREADS")


def endpoints_environment(settings: Settings) -> tuple[str, dict[str, str]]:
    """The profile's endpoints file and the variables it reads (with their defaults), plus every secret setting,
    so `${VARIABLE}` in endpoints.yml or credentials.yml always resolves to the value the settings use."""
    environment = {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings.action_port}/webhook"}
    environment.update({spec.variable: value for spec, value in secret_settings(settings) if isinstance(value, str)})
    if settings.production:
        return "endpoints.production.yml", {**environment, **PRODUCTION_STORE_DEFAULTS}
    return "endpoints.yml", {**environment, "RASA_TRACKER_DB": str(ROOT / "var" / "rasa-tracker.db"),
                             "RASA_LOCK_DB": str(ROOT / "var" / "rasa-locks.db")}


def use_write_ahead_log(database: Path) -> None:
    """Put the SQLite tracker store in WAL mode (the mode stays with the file): Rasa's workers read trackers while
    another saves one, instead of waiting for its write lock."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def rasa_arguments(settings: Settings, endpoints: str) -> list[str]:
    """`rasa run` with the API behind the token, on the configured address (these stay inside the process)."""
    return ["rasa", "run", "--model", str(settings.rasa_model), "--enable-api", "--auth-token", settings.rasa_token,
            "-i", settings.rasa_host, "-p", str(settings.rasa_port),
            "--endpoints", endpoints, "--credentials", "credentials.yml"]


def main() -> None:
    """Check the configuration, then run Rasa until interrupted."""
    settings = require_valid_configuration("The Rasa server")
    os.chdir(ROOT)
    endpoints, environment = endpoints_environment(settings)
    for variable, value in environment.items():
        # The environment wins; a variable set but empty counts as unset, as in the settings.
        if not os.environ.get(variable):
            os.environ[variable] = value
    if not settings.production:
        (ROOT / "var").mkdir(exist_ok=True)
        use_write_ahead_log(Path(os.environ["RASA_TRACKER_DB"]))
    # Every worker refuses a signed message any worker has seen (dialogue/channels.py): one file on this machine.
    os.environ.setdefault("RASA_SEEN_SIGNATURES_DB", str(ROOT / "var" / "rasa-seen-signatures.db"))
    (ROOT / "var").mkdir(exist_ok=True)
    # Rasa reads its number of Sanic workers from SANIC_WORKERS; the settings say how many.
    os.environ["SANIC_WORKERS"] = str(settings.rasa_workers)
    # One TensorFlow thread per worker: a turn's tensors are small, and TensorFlow's spare threads spin while they
    # wait, which measured as twice the CPU a turn with no gain in latency (docs/performance.md). The workers, not
    # TensorFlow, use the cores.
    for variable in TENSORFLOW_THREADS:
        os.environ.setdefault(variable, "1")
    # Before Rasa sets up its handlers and structured logging: the record factory redacts whatever they write.
    install_log_redaction()
    # Rasa's structured logs as JSON even on a terminal, so their conversation keys are redacted by name.
    os.environ["FORCE_JSON_LOGGING"] = "1"
    from rasa.__main__ import main as rasa_main

    from dialogue.action_validation import install_cached_action_validation
    from dialogue.event_types import install_event_type_cache
    from dialogue.warmup import install_warm_up_on_load

    # Rasa rebuilds the whole session's tracker every turn: this takes a search of its event classes out of each event.
    install_event_type_cache()
    install_cached_action_validation()
    install_warm_up_on_load()
    sys.argv = rasa_arguments(settings, endpoints)
    rasa_main()


if __name__ == "__main__":
    main()
