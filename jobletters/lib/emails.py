"""Every email Job Letters sends goes through here.

One message = ``<name>_subject.txt``, ``<name>.txt`` and ``<name>.html`` (extending
``emails/base.html``). :func:`queue_email` renders it into the outbox in the caller's
transaction; a worker sends it exactly once, then wipes the rendered message from the
row. The Message-ID is made when it is queued, so a resend after a worker died between
the SMTP server's "accepted" and the mark is recognisably the same message. Announcements
and marketing are queued by ``communications.categories``. Logs name no recipient.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.utils import translation

from jobletters import outbox
from jobletters.models import OutboxEntry

from .languages import email_language

logger = logging.getLogger(__name__)

EMAIL_KIND = "emails.send"


def site_context() -> dict[str, str]:
    """What every email names the site by: its configured name, address and support address."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }


def render_email(
    *,
    template: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] | None = None,
    from_email: str | None = None,
    language: str | None = None,
) -> EmailMultiAlternatives:
    """Subject, text and HTML in ``language`` (default: the recipient's, see
    jobletters.lib.languages.email_language)."""
    ctx = {**site_context(), **(context or {})}
    with translation.override(language or email_language(to)):
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    return message


def queue_message(
    message: EmailMultiAlternatives, *, kind: str, person: Any = None, key: str | None = None
) -> OutboxEntry:
    """Record a message ready to go; a worker sends it after commit."""
    return outbox.defer(EMAIL_KIND, message_payload(message, kind=kind), key=key, person=person)


def message_payload(message: EmailMultiAlternatives, *, kind: str) -> dict[str, Any]:
    """A rendered message as an outbox payload (:func:`send_queued_email` sends it)."""
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), None
    )
    headers = dict(message.extra_headers)
    message_id = headers.pop("Message-ID", None) or make_msgid(domain=site_domain())
    return {
        "kind": kind,
        "message_id": message_id,
        "subject": message.subject,
        "text": message.body,
        "html": html,
        "from": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
    }


def queue_email(
    *,
    template: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] | None = None,
    person: Any = None,
    key: str | None = None,
    language: str | None = None,
) -> OutboxEntry:
    """Render an email from templates now and send it from a worker, exactly once.

    It is written in ``language``, by default the recipient's: ``person``'s saved
    language, else that of the account at the address (jobletters.lib.languages).
    """
    if any(name.lower().startswith("list-") for name in headers or {}):
        raise ValueError("Account and transaction emails carry no List-* headers (§8).")
    message = render_email(
        template=template,
        to=to,
        context=context,
        headers=headers,
        reply_to=reply_to,
        language=language or email_language(to, person),
    )
    return queue_message(message, kind=template, person=person, key=key)


def deliver(message: EmailMultiAlternatives, *, kind: str, connection: Any = None) -> int:
    """Send a message ready to go, now; the one place that talks to the mail backend.

    ``connection``: a backend of the caller's (packets bring one that marks the moment
    the message may have left, see recruiters.mail)."""
    connection = connection or get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
    message.connection = connection
    sent = message.send(fail_silently=False)
    logger.info("email sent kind=%s recipients=%d", kind, len(message.recipients()))
    return sent


@outbox.handler(
    EMAIL_KIND,
    queue="default",
    max_attempts=12,
    time_limit=60,
    keep_when_done=("kind", "message_id"),
)
def send_queued_email(payload: dict[str, Any]) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=payload["from"],
        to=payload["to"],
        cc=payload.get("cc") or None,
        bcc=payload.get("bcc") or None,
        reply_to=payload.get("reply_to") or None,
        headers={**payload.get("headers", {}), "Message-ID": payload["message_id"]},
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    deliver(message, kind=payload["kind"])


def site_domain() -> str:
    """The site's host name: Message-IDs and List-Ids are made under it."""
    return urlsplit(settings.SITE_URL).hostname or "jobletters.example"
