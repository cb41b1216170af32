"""A recruiter's own page: what our directory holds about them, the packets they received
(only what was disclosed to them), correcting their details, and asking to be removed.

Reached from every packet email and page with a signed token of their own (not the
packet's, not the opt-out's), which names the recruiter and the moment their entry was
made, so it outlives neither their removal nor a re-import under the same address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from . import directory, packets
from .models import Answer, Delivery, Recruiter

SALT = "recruiters.own-page"


def own_page_url(recruiter: Recruiter) -> str:
    token = signing.dumps([recruiter.pk, recruiter.created_at.timestamp()], salt=SALT)
    return settings.SITE_URL + reverse("recruiters:own_page", args=[token])


def recruiter_for(token: str) -> Recruiter | None:
    """The recruiter a token names, if they are still in the directory."""
    try:
        pk, made = signing.loads(token, salt=SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    recruiter = Recruiter.objects.prefetch_related("occupations", "places").filter(pk=pk).first()
    if recruiter is None or recruiter.created_at.timestamp() != made:
        return None
    return recruiter


def is_valid(token: str) -> bool:
    """Signed by us (whether or not the recruiter is still listed)."""
    try:
        signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return False
    return True


@dataclass(frozen=True)
class Received:
    """One packet as its recruiter may know it."""

    sent_at: datetime
    role: str
    place: str
    candidate: str  # "" when the seeker has not disclosed who they are to this recruiter
    answer: Answer | None


def packets_received(recruiter: Recruiter) -> list[Received]:
    rows = (
        Delivery.objects.filter(recruiter=recruiter, sent_at__isnull=False)
        .select_related("send", "introduction")
        .order_by("-sent_at")
    )
    latest = {a.delivery_id: a for a in Answer.objects.current().filter(delivery__in=rows)}
    return [
        Received(
            sent_at=d.sent_at,
            role=d.role,
            place=d.place,
            candidate=(d.send.snapshot.get("name", "") if packets.is_revealed(d) else ""),
            answer=latest.get(d.pk),
        )
        for d in rows
        if d.sent_at is not None  # all of them (the query): said again for the type checker
    ]


def correct_recruiter(*, recruiter: Recruiter, data: dict[str, Any]) -> Recruiter:
    """Their name, agency and website as they say they are; matching follows."""
    for name in ("name", "agency", "website"):
        setattr(recruiter, name, data[name])
    recruiter.save(update_fields=["name", "agency", "website", "updated_at"])
    directory.recruiter_changed(recruiter=recruiter)
    return recruiter


@transaction.atomic
def remove_recruiter(*, recruiter: Recruiter) -> None:
    """Out of the directory for good: only the suppression entry (a hash of the address)
    stays, so that no packet reaches them again."""
    directory.opt_out_recruiter(recruiter_id=recruiter.pk)
    # The packet pages they hold answer "gone" from now on (packets.open_link).
    directory.erase_recruiter(email=recruiter.email)
