"""Keep personal data and secrets out of every log line (web, worker and beat).

:class:`RedactPersonalData` rewrites the whole record (message, arguments, traceback, stack,
``extra``) before any handler formats it; :class:`RedactingFormatter` redacts the formatted
line again. Emails, IP addresses, secret URL parts and long tokens are replaced; task ids
(UUIDs) stay, and the task arguments Celery attaches are dropped.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6_CANDIDATE = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*:[0-9a-fA-F:.]*")
# Path segments after these prefixes are secrets (or identify a person).
_SECRET_PATH = re.compile(
    r"(/(?:accounts/confirm-email|accounts/password/reset/key|accounts/login/code/confirm|"
    r"p|recruiters/opt-out|email/unsubscribe|privacy/export)/)[^\s/?\"']+"
)
_SECRET_QUERY = re.compile(r"([?&](?:token|key|code|signature|X-Amz-Signature)=)[^&\s\"']+", re.I)
_LONG_TOKEN = re.compile(r"\b[A-Za-z0-9_\-:]{32,}\b")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def _ipv6_or_unchanged(match: re.Match[str]) -> str:
    try:
        ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return match.group(0)
    return "[ip]"


def _token_unless_uuid(match: re.Match[str]) -> str:
    return match.group(0) if _UUID.match(match.group(0)) else "[token]"


# A path inside a query string ("?next=%2Fprivacy%2Fexport%2F2%2F") is read as a path.
_ENCODED_SLASH = re.compile(r"%2f", re.I)


def redact(text: str) -> str:
    text = _ENCODED_SLASH.sub("/", text)
    text = _SECRET_PATH.sub(r"\1[redacted]", text)
    text = _SECRET_QUERY.sub(r"\1[redacted]", text)
    text = _EMAIL.sub("[email]", text)
    text = _IPV4.sub("[ip]", text)
    text = _IPV6_CANDIDATE.sub(_ipv6_or_unchanged, text)
    return _LONG_TOKEN.sub(_token_unless_uuid, text)


# Celery hands every task line's context to handlers as ``extra={"data": {...}}``,
# arguments included; our format never prints them, and they are dropped so that no
# handler (a JSON formatter, an error tracker) ever can: a task's arguments are data.
_TASK_ARGUMENT_KEYS = frozenset({"args", "kwargs", "argsrepr", "kwargsrepr"})


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict) and _TASK_ARGUMENT_KEYS & value.keys():
        value = {k: v for k, v in value.items() if k not in _TASK_ARGUMENT_KEYS}
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(repr(value))


class RedactPersonalData(logging.Filter):
    """Rewrite a record so that nothing personal remains in any part of it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_jl_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record still gets logged, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD_ATTRS and not name.startswith("_"):
                setattr(record, name, _redact_value(value))
        record._jl_redacted = True
        return True


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole line (message, traceback and all)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
