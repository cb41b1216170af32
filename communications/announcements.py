"""Announcements: staff write one, preview it, send a test to themselves, then send.

Sending is a mailing (``jobletters.lib.mailing``) to ``categories.recipients_for`` the
category; the email worker asks again before each email leaves, so someone who
unsubscribes meanwhile is skipped, and counted so.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString

from jobletters.lib import mailing
from jobletters.lib.markup import SafeMarkup, paragraphs

from .categories import queue_email, recipients_for
from .models import Announcement

TEMPLATE = "communications/emails/announcement"

ANNOUNCEMENT = SafeMarkup(
    tags={"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3"},
    link_rel="noopener noreferrer",
)
_LINK = re.compile(r"<a\b[^>]*\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)


class AnnouncementError(Exception):
    """Why staff cannot do that now, in words shown in the admin."""


# --- The message ------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    subject: str
    html: SafeString
    text: str


def _markup_to_text(markup: str) -> str:
    """The plain-text part of a markup body: links as "words (address)", tags dropped."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", markup)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<li\b[^>]*>", "- ", text, flags=re.IGNORECASE)
    text = re.sub(r"</(p|h2|h3|ul|ol)>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"</li>", "\n", text, flags=re.IGNORECASE)
    text = html.unescape(nh3.clean(text, tags=set()))
    return "\n\n".join(paragraphs(text))


def render_content(announcement: Announcement) -> Content:
    """The subject, the HTML body (sanitised: safe to show) and the plain-text body."""
    chunks = paragraphs(announcement.body)
    if announcement.body_format == Announcement.BodyFormat.MARKUP:
        markup = ANNOUNCEMENT.render(announcement.body, line_breaks=False)
        text = _markup_to_text(markup)
    else:
        # Plain text: escaped, addresses made links, then the same sanitiser.
        linked = "\n\n".join(urlize(escape(c), nofollow=True) for c in chunks)
        markup = ANNOUNCEMENT.render(linked)
        text = "\n\n".join(chunks)
    return Content(subject=announcement.subject.strip(), html=markup, text=text)


def _queue_for(
    announcement: Announcement, person: Any, context: dict[str, Any], *, key: str | None = None
) -> Any:
    return queue_email(
        template=TEMPLATE,
        context={**context, "person": person},
        person=person,
        category=announcement.category,
        key=key,
    )


mailing.register(
    Announcement,
    audience=lambda a: recipients_for(a.category).only("pk", "email", "name", "date_joined"),
    context=lambda a: {"content": render_content(a)},
    email=_queue_for,
)


# --- Staff's steps ----------------------------------------------------------------------


def save_announcement(*, announcement: Announcement, staff: Any) -> Announcement:
    """Staff wrote or changed a draft (a new test is needed before sending)."""
    if announcement.pk and announcement.state != Announcement.State.DRAFT:
        raise AnnouncementError("An announcement cannot change once sending has started.")
    announcement.updated_at = timezone.now()
    if announcement.created_by_id is None:
        announcement.created_by = staff
    announcement.save()
    return announcement


def audience_size(announcement: Announcement) -> int:
    """How many people would receive it if it were sent now."""
    return recipients_for(announcement.category).count()


def send_test(*, announcement: Announcement, staff: Any) -> None:
    """Email the announcement to the member of staff, exactly as people will get it."""
    entry = _queue_for(announcement, staff, {"content": render_content(announcement), "test": True})
    if entry is None:
        raise AnnouncementError(
            f"No test sent: your own email preferences say no to "
            f"{announcement.email_category.label.lower()} (or your address is not confirmed). "
            "Change them to receive the test."
        )
    Announcement.objects.filter(pk=announcement.pk).update(test_sent_at=timezone.now())


def start_sending(*, announcement: Announcement, staff: Any) -> Announcement:
    """Send to everyone who wants it: the first batch is deferred, the rest follow."""
    with transaction.atomic():
        current = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if current.state != Announcement.State.DRAFT:
            raise AnnouncementError("This announcement is already being sent or was sent.")
        if current.test_sent_at is None or current.test_sent_at < current.updated_at:
            raise AnnouncementError("Send yourself a test of this version first.")
        current.state = Announcement.State.SENDING
        current.sent_by = staff
        current.started_at = timezone.now()
        current.save(update_fields=["state", "sent_by", "started_at"])
        mailing.start(current)
    return current
