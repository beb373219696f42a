"""Nothing personal in logs: every log record is redacted as it is made, whichever library logs it.

What goes: message text (what customers and the bot said), names, account and card numbers, sort codes, IBANs,
email addresses, amounts of money, and credentials (bearer tokens, JWTs, `token=` in URLs). What stays: event
names, ids, status codes, intent and action names, durations, so logs still say what happened.

Standard library only: the Rasa launcher (Rasa's virtualenv) and the action server install it too.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

REDACTED = "[redacted]"

# Keys whose values are what someone said or who they are. Rasa's structured logs (structlog, rendered as JSON)
# carry conversation content under the first group (the keys Rasa's own anonymiser lists); the bank's records and
# slots under the second.
CONVERSATION_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response", "slot_candidates",
    "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states", "successes", "current_entity",
    "next_entity", "states", "entity", "entities", "token_text", "user_message", "json_message", "events", "value",
    "buttons", "title", "custom", "metadata",
})
PERSONAL_KEYS = frozenset({
    "full_name", "customer_name", "agent_name", "recipient", "payee", "payee_name", "account_name", "email",
    "amount", "amount_minor", "balance", "balance_minor", "available", "account_number", "number", "sort_code",
    "card_number", "iban", "merchant", "description", "summary", "note", "body", "password",
})
_SENSITIVE_KEYS = CONVERSATION_KEYS | PERSONAL_KEYS

# A value after `key: ` or `key=` in free text: a quoted string (plain, or escaped inside JSON) or a bare token.
_KEY_VALUE = re.compile(
    r"""(?P<key>(?P<quote>\\?["']?)\b(?:""" + "|".join(sorted(_SENSITIVE_KEYS, key=len, reverse=True)) +
    r""")\b(?P=quote)\s*[:=]\s*)"""
    r"""(?P<value>\\".*?\\"|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|\{[^}]*\}|[^,;\s)}\]]+)"""
)
# Rasa events written out as text: BotUttered(text: ..., data: ...), BotUttered('...', {...}), UserUttered(...).
_UTTERED = re.compile(r"(?P<key>\b(?:Bot|User|Agent)Uttered\()(?P<value>.*?)(?=, data: |, \{|, intent: |\)$|\)[,\]])",
                      re.S)
# UserUttered(text: ..., intent: ..., entities: Mum (Type: recipient, ...), 37 (Type: amount, ...)).
_ENTITY_VALUE = re.compile(r"(?:(?<=entities: )|(?<=\), ))[^()]*?(?= \(Type: )")
_SLOT_SET = re.compile(r"(?P<key>SlotSet\(key: [\w.-]+, value: )(?P<value>[^)]*)")
# Rasa's "Current slot values" list: one "\tname: value" line a slot.
_SLOT_LINE = re.compile(r"(?P<key>(?:^|\n|\\n)\\?\t\s*[\w.-]+: )(?P<value>[^\n\\]*)")

_CURRENCY = r"(?:£|€|\$|\\u00a3|\\u20ac|\\xa3|&pound;|\b(?:GBP|EUR|USD)\b)"
_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Credentials first, so nothing below takes them apart.
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*"), REDACTED),
    (re.compile(r"(?i)(\bbearer\s+)[\w.~+/=-]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(?i)([?&](?:token|access_token|api_key|key|signature)=)[^&\s'\"]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), REDACTED),
    # International account numbers, then card numbers (13-19 digits, spaced or not), sort codes, account numbers.
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"), REDACTED),
    (re.compile(r"(?<![\d.])\d(?:[ -]?\d){12,18}(?![\d.])"), REDACTED),
    (re.compile(r"(?<![\d-])\d{2}-\d{2}-\d{2}(?![\d-])"), REDACTED),
    (re.compile(r"(?<![\d.,-])\d{8}(?![\d.,-])"), REDACTED),
    # Money: with a currency sign or code either side, then bare amounts with pence or thousands separators
    # (not 0.xx, which in these logs is a confidence or a probability).
    (re.compile(rf"{_CURRENCY}\s?{_NUMBER}"), REDACTED),
    (re.compile(rf"{_NUMBER}\s?(?:{_CURRENCY}|\bpounds?\b|\bpence\b|\bp\b)"), REDACTED),
    (re.compile(r"(?<![\w.,/])-?(?:[1-9]\d*|\d{1,3}(?:,\d{3})+)\.\d{2}(?![\d.])"), REDACTED),
    (re.compile(r"(?<![\d.,:])-?\d{1,3}(?:,\d{3})+(?![\d,])"), REDACTED),
)


def _redact_value(match: re.Match[str]) -> str:
    """The key kept, its value replaced (in the same quotes, so JSON stays JSON)."""
    value = match.group("value")
    quote = '\\"' if value.startswith('\\"') else value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{quote}{REDACTED}{quote}"


def _redact_structure(value: Any, key: str | None = None) -> Any:
    """A JSON value with the value of every sensitive key replaced."""
    if key in _SENSITIVE_KEYS and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, dict):
        return {name: _redact_structure(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_redact_structure(item) for item in value]
    return value


def _redact_json(text: str) -> str:
    """A JSON object message (Rasa's structured logs) with its sensitive keys redacted; other text unchanged."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return text
    try:
        document = json.loads(stripped)
    except ValueError:
        return text
    return json.dumps(_redact_structure(document))


def redact(text: str) -> str:
    """The text with personal data and credentials replaced by [redacted]."""
    text = _redact_json(text)
    for rule in (_UTTERED, _SLOT_SET, _SLOT_LINE, _KEY_VALUE):
        text = rule.sub(_redact_value, text)
    text = _ENTITY_VALUE.sub(REDACTED, text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record in place: its message with the arguments filled in, its traceback and its stack."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it when the record is written
        return record
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        # Exceptions carry values too (a failed statement, a bad payload); formatted once here, redacted.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record, for handlers set up from a logging configuration."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


# Loggers that write customer records themselves at their most verbose: SQLAlchemy logs result rows at DEBUG and
# statements with their parameters at INFO.
_QUIET_LOGGERS = ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm")


def install_log_redaction() -> None:
    """Redact every log record this process makes from now on, and keep SQLAlchemy's row logs off (a record
    factory: it holds whichever handlers a library installs later, as Rasa and rasa-sdk do)."""
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(factory(*args, **kwargs))

    redacting_factory.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


def configure_logging(level: str, format: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
    """Install the redaction, then log at `level` (LOG_LEVEL) to stderr."""
    install_log_redaction()
    logging.basicConfig(level=level, format=format)
