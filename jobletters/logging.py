"""A logging filter that keeps personal data and secrets out of every log line.

Applied to every handler, so it also covers third-party loggers (allauth,
Django's request logging, Celery). Emails, IP addresses, the secret parts of
URLs (confirmation keys, reset tokens, packet tokens) and long opaque tokens
are replaced before a record is formatted.
"""

from __future__ import annotations

import ipaddress
import logging
import re

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6_CANDIDATE = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*:[0-9a-fA-F:.]*")
# Path segments after these prefixes are secrets (or identify a person).
_SECRET_PATH = re.compile(
    r"(/(?:accounts/confirm-email|accounts/password/reset/key|p|recruiters/opt-out|"
    r"email/unsubscribe)/)[^\s/?\"']+"
)
_LONG_TOKEN = re.compile(r"\b[A-Za-z0-9_\-:]{32,}\b")


def _ipv6_or_unchanged(match: re.Match[str]) -> str:
    try:
        ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return match.group(0)
    return "[ip]"


def redact(text: str) -> str:
    text = _SECRET_PATH.sub(r"\1[redacted]", text)
    text = _EMAIL.sub("[email]", text)
    text = _IPV4.sub("[ip]", text)
    text = _IPV6_CANDIDATE.sub(_ipv6_or_unchanged, text)
    return _LONG_TOKEN.sub("[token]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record still gets logged, redacted
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True
