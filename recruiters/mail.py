"""The mail connection packets leave through: it tells the moment a packet may have left.

SMTP has one point of no return: the final dot that ends the DATA command. Until the
server has it, the server has nothing (a connection that breaks earlier loses the
message on the server's side, and it is sent again later); once it has it, the
server may deliver the packet even if its answer never reaches us. So the packet's
"may have left" mark is written, in its own committed transaction, after the body
and just before the final dot (``before_final_dot``); if writing it fails, the
connection is dropped before the dot and nothing leaves.

Backends other than SMTP (the console in development, memory in tests) hand the
whole message over at once: the mark is written just before.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

FinalDotHook = Callable[[], None]
_LEADING_DOT = re.compile(rb"(?m)^\.")


class _SMTP(smtplib.SMTP):
    """smtplib's ``data()``, with ``before_final_dot`` called between the body and the dot."""

    before_final_dot: FinalDotHook | None = None

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        # smtplib.SMTP.sendmail passes bytes with CRLF line ends (Django builds them so).
        msg = msg.encode("ascii") if isinstance(msg, str) else bytes(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = _LEADING_DOT.sub(b"..", msg)  # RFC 5321 4.5.2 transparency
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.send(body)
        if self.before_final_dot is not None:
            try:
                self.before_final_dot()
            except BaseException:
                self.close()  # the server never sees the end, so it keeps nothing
                raise
        self.send(b".\r\n")
        return self.getreply()


class _SMTPSSL(_SMTP, smtplib.SMTP_SSL):
    pass


class PacketSMTPBackend(SMTPBackend):
    """Django's SMTP backend whose connection calls ``before_final_dot`` (packets only)."""

    def __init__(self, *, before_final_dot: FinalDotHook, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.before_final_dot = before_final_dot

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _SMTPSSL if self.use_ssl else _SMTP

    def open(self) -> bool | None:
        opened = super().open()
        if isinstance(self.connection, _SMTP):
            self.connection.before_final_dot = self.before_final_dot
        return opened


class _MarkFirst(BaseEmailBackend):
    """Any other backend: the mark, then the message handed over whole."""

    def __init__(self, backend: BaseEmailBackend, before_final_dot: FinalDotHook) -> None:
        super().__init__(fail_silently=False)
        self.backend = backend
        self.before_final_dot = before_final_dot

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.before_final_dot()
        return self.backend.send_messages(email_messages)


def packet_connection(*, before_final_dot: FinalDotHook) -> BaseEmailBackend:
    """The configured mail backend, calling ``before_final_dot`` when the packet may leave."""
    if issubclass(import_string(settings.EMAIL_BACKEND), SMTPBackend):
        return PacketSMTPBackend(
            before_final_dot=before_final_dot, fail_silently=False, timeout=settings.EMAIL_TIMEOUT
        )
    return _MarkFirst(get_connection(fail_silently=False), before_final_dot)
