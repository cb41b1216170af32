"""Announcements: staff write one, preview it, send a test to themselves, then send.

Sending goes in batches through the outbox. Each batch takes the next people in
id order who may receive the category now (``email_categories.recipients_for``:
their choice, not frozen, a confirmed address), queues one email each, keyed
``announcement:<id>:<person id>``, and defers the next batch, all in one
transaction. A worker that dies mid-batch leaves nothing (the transaction rolls
back and the batch runs again); one that dies after the commit leaves a batch that
finds its cursor moved and does nothing; and the email keys make a second email to
the same person impossible. The email worker asks again before each email leaves,
so someone who unsubscribes meanwhile is skipped. When every email is finished,
the counts are kept on the announcement.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import nh3
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString

from jobletters import outbox
from jobletters.lib.email_categories import recipients_for
from jobletters.lib.emails import EMAIL_KIND, queue_email
from jobletters.lib.markup import SafeMarkup, paragraphs
from jobletters.models import OutboxEntry

from .models import Announcement

TEMPLATE = "communications/emails/announcement"
BATCH = "communications.announcement_batch"
FINISH = "communications.announcement_finish"

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


def _queue_for(announcement: Announcement, content: Content, person: Any, **extra: Any) -> Any:
    return queue_email(
        template=TEMPLATE,
        to=[person.email],
        context={"content": content, "person": person, **extra.pop("context", {})},
        person=person,
        category=announcement.category,
        **extra,
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
    entry = _queue_for(announcement, render_content(announcement), staff, context={"test": True})
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
        _defer_batch(current, after=0)
    return current


def _defer_batch(announcement: Announcement, *, after: int) -> None:
    outbox.defer(
        BATCH,
        {"announcement_id": announcement.pk, "after": after},
        key=f"announcement-batch:{announcement.pk}:{after}",
    )


# --- The worker's steps -----------------------------------------------------------------


def queue_batch(*, announcement_id: int, after: int) -> int:
    """Queue the emails of the next batch of people; returns how many were queued."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if (
            announcement is None
            or announcement.state != Announcement.State.SENDING
            or announcement.cursor != after
        ):
            return 0  # this batch was done before (a worker stopped before marking it)
        people = list(
            recipients_for(announcement.category)
            .filter(pk__gt=after)
            .order_by("pk")
            .only("pk", "email", "name", "date_joined")[: settings.ANNOUNCEMENT_BATCH_SIZE]
        )
        content = render_content(announcement)
        queued = 0
        for person in people:
            key = f"{announcement.key_prefix}{person.pk}"
            if _queue_for(announcement, content, person, key=key) is not None:
                queued += 1
        announcement.batches += 1
        if people:
            announcement.cursor = people[-1].pk
            announcement.queued_count += queued
            _defer_batch(announcement, after=announcement.cursor)
        else:
            announcement.queued_at = timezone.now()
            outbox.defer(
                FINISH,
                {"announcement_id": announcement.pk},
                key=f"announcement-finish:{announcement.pk}",
            )
        announcement.save(update_fields=["batches", "cursor", "queued_count", "queued_at"])
    return queued


@dataclass(frozen=True)
class Progress:
    queued: int
    sent: int
    skipped: int
    failed: int
    waiting: int

    @property
    def finished(self) -> int:
        return self.sent + self.skipped + self.failed


def progress_of(announcement: Announcement) -> Progress:
    """Counts staff see: from the outbox while sending, as kept once finished (one query)."""
    if announcement.state == Announcement.State.SENT:
        return Progress(
            queued=announcement.queued_count,
            sent=announcement.sent_count,
            skipped=announcement.skipped_count,
            failed=announcement.failed_count,
            waiting=0,
        )
    if announcement.state == Announcement.State.DRAFT:
        return Progress(queued=0, sent=0, skipped=0, failed=0, waiting=0)
    State = OutboxEntry.State
    counts = OutboxEntry.objects.filter(
        kind=EMAIL_KIND, key__startswith=announcement.key_prefix
    ).aggregate(
        queued=Count("pk"),
        done=Count("pk", filter=Q(state=State.DONE)),
        skipped=Count("pk", filter=Q(state=State.DONE, payload__outcome="skipped")),
        failed=Count("pk", filter=Q(state=State.FAILED)),
        waiting=Count("pk", filter=Q(state__in=[State.PENDING, State.RUNNING])),
    )
    return Progress(
        queued=counts["queued"],
        sent=counts["done"] - counts["skipped"],
        skipped=counts["skipped"],
        failed=counts["failed"],
        waiting=counts["waiting"],
    )


def finish(*, announcement_id: int, force: bool = False) -> bool:
    """Once every email is finished, keep the counts and mark it sent."""
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None or announcement.state != Announcement.State.SENDING:
        return True
    progress = progress_of(announcement)
    if progress.waiting and not force:
        return False
    Announcement.objects.filter(pk=announcement_id, state=Announcement.State.SENDING).update(
        state=Announcement.State.SENT,
        finished_at=timezone.now(),
        queued_count=progress.queued,
        sent_count=progress.sent,
        skipped_count=progress.skipped,
        failed_count=progress.failed,
    )
    return True
