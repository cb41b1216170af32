"""Every email Job Letters sends goes through here.

One message = three templates next to each other: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html`` (the HTML one extends ``emails/base.html``).
Recipients never appear in logs; only the template name and a count do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def render_email(
    *,
    template: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] | None = None,
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    ctx = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **(context or {})}
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


def deliver(message: EmailMultiAlternatives, *, kind: str) -> int:
    """Send a prepared message; the one place that talks to the mail backend."""
    sent = message.send(fail_silently=False)
    logger.info("email sent kind=%s recipients=%d", kind, len(message.recipients()))
    return sent


def send_templated_email(
    *,
    template: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] | None = None,
) -> int:
    message = render_email(
        template=template, to=to, context=context, headers=headers, reply_to=reply_to
    )
    return deliver(message, kind=template)
