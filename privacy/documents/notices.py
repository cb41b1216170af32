"""Emails about a change to many people (§3.3, §6, §9), one mailing per
:class:`~privacy.models.ChangeNotice` (``jobletters.lib.mailing``): a rights-reducing version
to every active person, or processor changes to their subscribers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from jobletters.lib import mailing
from jobletters.lib.emails import queue_email
from privacy import promises
from privacy.documents import processors, versions
from privacy.models import ChangeNotice, ProcessorSubscription


def _audience(notice: ChangeNotice) -> Any:
    if notice.kind == ChangeNotice.Kind.VERSION:
        return versions.notice_audience()
    return ProcessorSubscription.objects.select_related("person")


def _shared_context(notice: ChangeNotice) -> dict[str, Any]:
    if notice.kind == ChangeNotice.Kind.VERSION:
        version = notice.version
        assert version is not None, "a notice of a version names it"
        return {
            "version": version,
            "url": f"{settings.SITE_URL}/privacy/versions/#{version.anchor}",
            "notice_days": promises.POLICY_NOTICE_DAYS,
            "support_email": settings.SUPPORT_EMAIL,
        }
    return processors.notice_context(notice)


def _queue_email(notice: ChangeNotice, recipient: Any, shared: dict[str, Any], *, key: str) -> Any:
    if notice.kind == ChangeNotice.Kind.VERSION:
        return queue_email(
            template="privacy/emails/version_notice",
            to=[recipient.email],
            context=shared,
            person=recipient,
            key=key,
        )
    return processors.notice_email(recipient, shared, key=key)


mailing.register(ChangeNotice, audience=_audience, context=_shared_context, email=_queue_email)


def progress_words(notice: ChangeNotice) -> str:
    """What staff see, from the counts on the notice."""
    if notice.state == ChangeNotice.State.COLLECTING:
        return _("Waiting until %(time)s for more changes") % {
            "time": timezone.localtime(notice.send_after).strftime("%Y-%m-%d %H:%M")
        }
    words = _("%(queued)d queued: %(sent)d sent, %(failed)d failed") % {
        "queued": notice.queued_count,
        "sent": notice.sent_count,
        "failed": notice.failed_count,
    }
    if notice.waiting:
        words += _(", %(n)d waiting") % {"n": notice.waiting}
    if notice.state == ChangeNotice.State.SENDING and notice.queued_at is None:
        words += _(" (still queuing batches)")
    return words
