"""Every email Job Letters sends goes through here.

One message = three templates next to each other: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html`` (the HTML one extends ``emails/base.html``).

Emails are never sent inside a request: :func:`queue_email` renders the
message and records it in the outbox (in the caller's transaction); a worker
sends it exactly once (claim the entry, send, mark it sent) and then wipes the
rendered message from the row. An SMTP server that is down delays an email, it
never loses it nor fails the request. Each message carries a Message-ID made
when it was queued, so in the rare case of a worker dying between the SMTP
server's "accepted" and the mark, the resend is recognisably the same message.

Every email has a category (``jobletters.lib.email_categories``): account and
transaction emails (the default) are always sent; service announcements and
marketing go only to people who want them, and :func:`queue_email` adds their
unsubscribe link and ``List-Id`` / ``List-Unsubscribe`` / ``List-Unsubscribe-Post``
headers itself. The worker asks again just before sending, so an unsubscribe or a
deletion request stops emails already waiting.

Recipients never appear in logs; only the template name and a count do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.utils import translation

from jobletters import outbox
from jobletters.models import OutboxEntry

from . import email_categories
from .email_categories import Category
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
    with translation.override(language or email_language(to)):
        return _render_email(
            template=template,
            to=to,
            context=context,
            headers=headers,
            reply_to=reply_to,
            from_email=from_email,
        )


def _render_email(
    *,
    template: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    reply_to: Sequence[str] | None,
    from_email: str | None,
) -> EmailMultiAlternatives:
    ctx = {**site_context(), **(context or {})}
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
    message: EmailMultiAlternatives,
    *,
    kind: str,
    person: Any = None,
    key: str | None = None,
) -> OutboxEntry:
    """Record a prepared account or transaction email; a worker sends it after commit.

    Other categories go through :func:`queue_email` (which adds their headers)."""
    return _queue(message, kind=kind, person=person, key=key, category=Category.TRANSACTIONAL)


def _queue(
    message: EmailMultiAlternatives,
    *,
    kind: str,
    person: Any,
    key: str | None,
    category: Category,
) -> OutboxEntry:
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), None
    )
    headers = dict(message.extra_headers)
    message_id = headers.pop("Message-ID", None) or make_msgid(domain=_message_domain())
    payload = {
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
    if not category.is_transactional:
        # The worker checks again that the person still wants it before sending.
        payload["category"] = category.value
        payload["person_id"] = person.pk
    return outbox.defer(EMAIL_KIND, payload, key=key, person=person)


def queue_email(
    *,
    template: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] | None = None,
    person: Any = None,
    key: str | None = None,
    category: Category | str = Category.TRANSACTIONAL,
    language: str | None = None,
) -> OutboxEntry | None:
    """Render an email from templates now and send it from a worker, exactly once.

    It is written in ``language``, by default the recipient's: ``person``'s saved
    language, else that of the account at the address (jobletters.lib.languages).

    Announcements and marketing (``category``) go to one person with an account
    (``person``, at their own address) and only if they may receive them now:
    otherwise nothing is queued and None is returned. Their unsubscribe link and
    headers are added here; callers cannot set those headers themselves.
    """
    category = Category(category)
    language = language or email_language(to, person)
    if {name.lower() for name in headers or {}} & email_categories.LIST_HEADERS:
        raise ValueError("The category sets the List-* headers of an email; do not pass them.")
    if category.is_transactional:
        message = render_email(
            template=template,
            to=to,
            context=context,
            headers=headers,
            reply_to=reply_to,
            language=language,
        )
        return _queue(message, kind=template, person=person, key=key, category=category)

    if not getattr(person, "pk", None) or list(to) != [person.email]:
        raise ValueError(f"{category.label} go to one person with an account, at their address.")
    if key is not None and (existing := OutboxEntry.objects.filter(key=key).first()):
        return existing
    if not email_categories.may_receive(person, category):
        return None
    unsubscribe = email_categories.unsubscribe_url(person, category)
    ctx = {
        **(context or {}),
        "email_category": category.spec,
        "unsubscribe_url": unsubscribe,
        "preferences_url": email_categories.preferences_url(),
    }
    message = render_email(
        template=template,
        to=to,
        context=ctx,
        headers={**(headers or {}), **email_categories.list_headers(category, unsubscribe)},
        reply_to=reply_to,
        language=language,
    )
    # The visible link: the HTML layout shows it (emails/base.html); the text gets it here.
    if unsubscribe not in next((c for c, t in message.alternatives if t == "text/html"), ""):
        raise ValueError(f"{template}.html must extend emails/base.html (the unsubscribe link).")
    with translation.override(language):
        footer = render_to_string(
            "emails/_unsubscribe.txt", {"SITE_NAME": settings.SITE_NAME, **ctx}
        )
    message.body = message.body.rstrip() + footer
    return _queue(message, kind=template, person=person, key=key, category=category)


def deliver(message: EmailMultiAlternatives, *, kind: str, connection: Any = None) -> int:
    """Send a prepared message now; the one place that talks to the mail backend.

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
    keep_when_done=("kind", "message_id", "category", "outcome"),
)
def send_queued_email(payload: dict[str, Any]) -> None:
    category = Category(payload.get("category", Category.TRANSACTIONAL))
    if not category.is_transactional and not _still_wanted(payload.get("person_id"), category):
        # Unsubscribed, frozen or gone since it was queued: never sent. The outcome
        # stays on the finished entry (kept by keep_when_done) for the counts staff see.
        payload["outcome"] = "skipped"
        logger.info("email skipped kind=%s (no longer wanted)", payload.get("kind"))
        return
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


def _still_wanted(person_id: int | None, category: Category) -> bool:
    from django.contrib.auth import get_user_model

    person = get_user_model()._default_manager.filter(pk=person_id).first()
    return person is not None and email_categories.may_receive(person, category)


def _message_domain() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "jobletters.example"


def send_templated_email(
    *,
    template: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] | None = None,
) -> int:
    """Render and send now. Only for code already running in a worker; requests use
    :func:`queue_email`."""
    message = render_email(
        template=template, to=to, context=context, headers=headers, reply_to=reply_to
    )
    return deliver(message, kind=template)
