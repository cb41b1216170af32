"""How each recruiter treats the packets they receive: how many they opened and answered,
and how long their first answer usually takes.

Kept on the recruiter's row (staff read it in the admin; ranking reads the resulting
``responsiveness`` from the matching index, where a join per candidate would cost too
much at a million recruiters). :func:`refresh_rates` recounts everything from the
deliveries and answers each hour, rather than counting events as they happen, so the
figures stay true when deliveries go (a seeker's erasure) or answers change. The row
holds counts and a median only: no seeker, packet or message is in them.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery

from .bulk import chunks
from .models import Answer, Coverage, Delivery, Recruiter

Rates = tuple[int, int, int, int | None]  # received, opened, answered, answer_days
_NONE: Rates = (0, 0, 0, None)
FIELDS = ("packets_received", "packets_opened", "packets_answered", "answer_days")


def first_answer() -> Subquery:
    """When a delivery was first answered (a subquery on the delivery's row)."""
    answers = Answer.objects.filter(delivery=OuterRef("pk")).order_by("answered_at", "pk")
    return Subquery(answers.values("answered_at")[:1])


def count_rates() -> dict[int, Rates]:
    """Every recruiter's counts, from the packets that reached them (two queries)."""
    sent = Delivery.objects.filter(recruiter__isnull=False, sent_at__isnull=False)
    delays: dict[int, list[float]] = defaultdict(list)
    answered = sent.annotate(first=first_answer()).filter(first__isnull=False)
    for recruiter_id, sent_at, first in answered.values_list("recruiter", "sent_at", "first"):
        delays[recruiter_id].append(max(0.0, (first - sent_at).total_seconds()) / 86400)
    counts = (
        sent.values("recruiter")
        .annotate(received=Count("pk"), opened=Count("pk", filter=Q(opened_at__isnull=False)))
        .order_by()
    )
    rates: dict[int, Rates] = {}
    for row in counts:
        days = delays.get(row["recruiter"], [])
        median = max(1, math.ceil(statistics.median(days))) if days else None
        rates[row["recruiter"]] = (row["received"], row["opened"], len(days), median)
    return rates


@transaction.atomic
def refresh_rates() -> int:
    """Recount every recruiter's rates and move their matching index rows with them;
    returns how many recruiters changed."""
    rates = count_rates()
    counted = Recruiter.objects.filter(packets_received__gt=0).values_list("pk", flat=True)
    ids = sorted(set(rates) | set(counted))
    changed: list[Recruiter] = []
    moved: dict[int, list[int]] = defaultdict(list)
    for chunk in chunks(ids):
        for recruiter in Recruiter.objects.filter(pk__in=chunk).only(*FIELDS):
            before = recruiter.responsiveness
            new = rates.get(recruiter.pk, _NONE)
            if new == tuple(getattr(recruiter, name) for name in FIELDS):
                continue
            for name, value in zip(FIELDS, new, strict=True):
                setattr(recruiter, name, value)
            changed.append(recruiter)
            if recruiter.responsiveness != before:
                moved[recruiter.responsiveness].append(recruiter.pk)
    Recruiter.objects.bulk_update(changed, FIELDS, batch_size=500)
    for tier, recruiter_ids in moved.items():
        for chunk in chunks(recruiter_ids):
            Coverage.objects.filter(recruiter_id__in=chunk).update(responsiveness=tier)
    return len(changed)
