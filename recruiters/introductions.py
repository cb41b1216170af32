"""Blind sends: a recruiter asks to learn who the seeker is; the seeker accepts or declines.

A blind packet shows the job letter and a summary only (``packets.shown``). A recruiter
who answers *Interested* on it asks for an introduction (:func:`request_introduction`).
Only the seeker's yes (:func:`decide_introduction`) releases the rest of the packet (name,
contact details, CV) to that one recruiter: the words they agreed to go to the consent
ledger, what was shared to the disclosure log, and the recruiter gets an email with the
seeker's name and address. A declined or unanswered request shares nothing more.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobletters.lib.emails import queue_email
from jobletters.lib.languages import language_of_words
from privacy.consent import record_consent, record_disclosure
from privacy.models import Consent, Disclosure

from . import packets
from .models import Delivery, Introduction
from .sending import category_words, words_and


class IntroductionRefused(Exception):
    """The decision cannot be taken; the message says why."""


def request_introduction(*, delivery: Delivery) -> Introduction | None:
    """The recruiter asked to learn who sent a blind packet (once per packet)."""
    if not delivery.send.blind:
        return None
    introduction, _created = Introduction.objects.get_or_create(delivery=delivery)
    return introduction


def introduction_categories(snapshot: dict[str, Any]) -> list[str]:
    """What accepting shares: everything the blind packet left out."""
    first = packets.data_categories(snapshot)
    return [c for c in packets.data_categories(snapshot, revealed=True) if c not in first]


def acceptance_text(*, delivery: Delivery) -> str:
    """The words the seeker agrees to by accepting (shown on the button's page)."""
    snapshot = delivery.send.snapshot
    what = words_and(category_words(introduction_categories(snapshot), snapshot))
    return _(
        "I accept the request of %(recruiter)s for an introduction: Job Letters shares my "
        "%(what)s with them, and with no other recruiter."
    ) % {"recruiter": delivery.recipient_name, "what": what}


@transaction.atomic
def decide_introduction(*, seeker: Any, delivery_id: int, decision: str) -> Introduction:
    """``"accept"`` (release the full packet to that recruiter alone) or ``"decline"``
    (nothing more).

    Another seeker's packet, or a packet without a request: Introduction.DoesNotExist."""
    introduction = (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("delivery__send", "delivery__recruiter", "delivery__link")
        .get(delivery_id=delivery_id, delivery__seeker=seeker)
    )
    if decision not in ("accept", "decline"):
        raise IntroductionRefused(_("Choose to accept or to decline the request."))
    if introduction.decision != Introduction.Decision.PENDING:
        raise IntroductionRefused(_("You already answered this request."))
    delivery = introduction.delivery
    link = getattr(delivery, "link", None)
    recruiter = delivery.recruiter
    if (
        delivery.state not in Delivery.DELIVERED
        or link is None
        or link.expires_at <= timezone.now()
        or recruiter is None
        or not recruiter.is_reachable
    ):
        raise IntroductionRefused(
            _("This packet is closed, so nothing more can be shared with this recruiter.")
        )
    now = timezone.now()
    introduction.decided_at = now
    if decision == "decline":
        introduction.decision = Introduction.Decision.DECLINED
        introduction.save(update_fields=["decision", "decided_at"])
        return introduction
    snapshot = delivery.send.snapshot
    categories = introduction_categories(snapshot)
    reference = f"introduction:{delivery.pk}"
    introduction.consent = record_consent(
        person=seeker,
        purpose=Consent.Purpose.SHARE_WITH_RECRUITERS,
        granted=True,
        text=acceptance_text(delivery=delivery),
        recipients=[{"id": recruiter.pk, "name": recruiter.name, "agency": recruiter.agency}],
        data_categories=categories,
        reference=reference,
    )
    introduction.disclosure = record_disclosure(
        person=seeker,
        recipient_kind=Disclosure.RecipientKind.RECRUITER,
        recipient_name=delivery.recipient_name,
        recipient_reference=f"recruiter:{recruiter.pk}",
        data_categories=categories,
        basis=Disclosure.Basis.CONSENT,
        consent=introduction.consent,
        reference=reference,
    )
    introduction.decision = Introduction.Decision.ACCEPTED
    introduction.save(update_fields=["decision", "decided_at", "consent", "disclosure"])
    queue_email(
        template="recruiters/emails/introduction",
        to=[recruiter.email],
        context={
            "recruiter": recruiter,
            "delivery": delivery,
            "name": snapshot.get("name", ""),
            "email": snapshot.get("email", ""),
        },
        reply_to=[snapshot["email"]] if snapshot.get("email") else None,
        key=reference,
        language=language_of_words(recruiter.languages),
    )
    return introduction
