"""Every change to the recruiter directory goes through here.

Staff add and edit recruiters (the admin, a CSV import), recruiters opt out
(one click), and staff export or erase one recruiter's data on request. Each of
these keeps the matching index (:class:`~recruiters.models.Coverage`) in step in
the same transaction: a recruiter who opts out, is deactivated or frozen leaves
the index at once, and packets still waiting for them are cancelled and their
sends returned to the seekers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from taxonomy.models import Occupation, Place
from taxonomy.text import normalise

from . import bulk
from .bulk import chunks
from .models import (
    NO_RECORD,
    Answer,
    Coverage,
    Delivery,
    Keyword,
    PacketAccess,
    Recruiter,
    Suppression,
    responsiveness,
    seniority_bit,
)
from .sending import fail_waiting_deliveries

MAX_OCCUPATIONS = 15
MAX_PLACES = 15
MAX_LANGUAGES = 10
MAX_KEYWORDS = 20
MAX_TERM_LENGTH = 60


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


@dataclass
class RecruiterData:
    """A recruiter as staff describe them (a CSV line, the generator)."""

    name: str
    email: str
    agency: str = ""
    website: str = ""
    occupation_ids: list[int] = field(default_factory=list)
    place_ids: list[int] = field(default_factory=list)
    seniority_levels: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    daily_cap: int = 20
    active: bool = True


def check_coverage(*, occupations: Sequence[Any], places: Sequence[Any]) -> None:
    """The rules every recruiter's coverage follows, wherever it is edited."""
    if not occupations:
        raise ValidationError("Choose at least one occupation the recruiter places.")
    if not places:
        raise ValidationError("Choose at least one place (a city, a country or Remote).")
    if len(occupations) > MAX_OCCUPATIONS:
        raise ValidationError(f"Choose at most {MAX_OCCUPATIONS} occupations.")
    if len(places) > MAX_PLACES:
        raise ValidationError(f"Choose at most {MAX_PLACES} places.")


def clean_terms(values: Iterable[str], *, limit: int, label: str) -> list[str]:
    """Trimmed, de-duplicated (ignoring case and accents) short terms."""
    terms: list[str] = []
    seen: set[str] = set()
    for value in values:
        value = " ".join(str(value).split())
        if not value:
            continue
        if len(value) > MAX_TERM_LENGTH:
            raise ValidationError(f"A {label} can be at most {MAX_TERM_LENGTH} characters.")
        key = normalise(value)
        if key and key not in seen:
            seen.add(key)
            terms.append(value)
    if len(terms) > limit:
        raise ValidationError(f"List at most {limit} {label}s.")
    return terms


# --- The matching index ----------------------------------------------------------------------


_LISTED = (
    "pk",
    "seniority_levels",
    "languages",
    "keywords",
    "packets_received",
    "packets_opened",
    "packets_answered",
)


def sync_coverage(recruiter_ids: Iterable[int]) -> int:
    """Rewrite the matching index rows of these recruiters; returns how many rows now."""
    ids = sorted(set(recruiter_ids))
    written = 0
    occupation_through = Recruiter.occupations.through
    place_through = Recruiter.places.through
    for chunk in chunks(ids):
        Coverage.objects.filter(recruiter_id__in=chunk).delete()
        reachable: dict[int, _Listing] = {
            pk: _Listing(
                levels,
                languages,
                keywords,
                [],
                [],
                responsiveness(received=received, opened=opened, answered=answered),
            )
            for pk, levels, languages, keywords, received, opened, answered in (
                Recruiter.objects.reachable().filter(pk__in=chunk).values_list(*_LISTED)
            )
        }
        if not reachable:
            continue
        for recruiter_id, occupation_id in occupation_through.objects.filter(
            recruiter_id__in=list(reachable)
        ).values_list("recruiter_id", "occupation_id"):
            reachable[recruiter_id].occupation_ids.append(occupation_id)
        for recruiter_id, place_id in place_through.objects.filter(
            recruiter_id__in=list(reachable)
        ).values_list("recruiter_id", "place_id"):
            reachable[recruiter_id].place_ids.append(place_id)
        written += _write_coverage(reachable)
    return written


@dataclass
class _Listing:
    """What the matching index needs of one recruiter."""

    levels: Sequence[str]
    languages: Sequence[str]
    keywords: Sequence[str]
    occupation_ids: list[int]
    place_ids: list[int]
    responsiveness: int = NO_RECORD


def _write_coverage(listings: dict[int, _Listing]) -> int:
    """Insert the index rows of recruiters who have none (reachable ones only)."""
    codes = dict(Occupation.objects.values_list("pk", "code"))
    wanted = sorted({pk for listing in listings.values() for pk in listing.place_ids})
    places: dict[int, tuple[Any, ...]] = {}
    for chunk in chunks(wanted):
        for pk, *attributes in Place.objects.filter(pk__in=chunk).values_list(
            "pk", "kind", "country"
        ):
            places[pk] = tuple(attributes)

    def rows() -> Iterator[tuple[Any, ...]]:
        for recruiter_id, listing in listings.items():
            mask = sum({seniority_bit(level) for level in listing.levels})
            signals = (mask, _key(listing.languages, 500), _key(listing.keywords, 1000))
            for occupation_id in dict.fromkeys(listing.occupation_ids):
                code = codes.get(occupation_id)
                if code is None:
                    continue
                for place_id in dict.fromkeys(listing.place_ids):
                    if place_id not in places:
                        continue
                    kind, country = places[place_id]
                    country = "" if kind == Place.Kind.REMOTE else str(country or "")
                    yield (
                        recruiter_id, occupation_id, code[:3], place_id, kind, country,
                        listing.responsiveness, *signals,
                    )  # fmt: skip

    return bulk.insert(Coverage, COVERAGE_FIELDS, rows())


COVERAGE_FIELDS = (
    "recruiter",
    "occupation",
    "minor_group",
    "place",
    "place_kind",
    "country",
    "responsiveness",
    "seniority_mask",
    "languages_key",
    "keywords_key",
)


def _key(values: Sequence[str], length: int) -> str:
    terms = [t for t in dict.fromkeys(normalise(v) for v in values) if t]
    key = "|" + "|".join(terms) + "|" if terms else ""
    while len(key) > length:  # never cut a term in half
        terms.pop()
        key = "|" + "|".join(terms) + "|"
    return key


def register_keywords(values: Iterable[str]) -> None:
    """Add specialisms to the vocabulary CVs are read against."""
    terms = sorted({t for t in (normalise(v)[:MAX_TERM_LENGTH] for v in values) if t})
    Keyword.objects.bulk_create(
        [Keyword(term=t) for t in terms], ignore_conflicts=True, batch_size=2000
    )


# --- Adding and changing recruiters -----------------------------------------------------------


def _suppressed(emails: Iterable[str]) -> dict[str, Any]:
    """Opt-out times of the addresses (normalised) that asked never to be sent packets."""
    by_hash = {email_hash(e): normalise_email(e) for e in emails}
    found: dict[str, Any] = {}
    for chunk in chunks(list(by_hash)):
        for digest, at in Suppression.objects.filter(email_hash__in=chunk).values_list(
            "email_hash", "opted_out_at"
        ):
            found[by_hash[digest]] = at
    return found


@transaction.atomic
def save_recruiters(records: Sequence[RecruiterData]) -> tuple[list[int], list[int]]:
    """Create or update recruiters by email, coverage included; (created, updated) ids.

    An address that once opted out stays opted out, whatever the records say.
    """
    if not records:
        return [], []
    by_email = {normalise_email(r.email): r for r in records}
    emails = list(by_email)
    existing: dict[str, Recruiter] = {}
    for chunk in chunks(emails):
        existing.update({r.email: r for r in Recruiter.objects.filter(email__in=chunk)})
    suppressed = _suppressed(emails)
    now = timezone.now()

    new = [
        Recruiter(
            email=email,
            created_at=now,
            updated_at=now,
            opted_out_at=suppressed.get(email),
            **_fields(record),
        )
        for email, record in by_email.items()
        if email not in existing
    ]
    fields = ["email", "created_at", "updated_at", "opted_out_at", *_fields(records[0])]
    bulk.create(Recruiter, new, fields)
    changed = []
    for email, recruiter in existing.items():
        for name, value in _fields(by_email[email]).items():
            setattr(recruiter, name, value)
        if recruiter.opted_out_at is None and email in suppressed:
            recruiter.opted_out_at = suppressed[email]
        recruiter.updated_at = now
        changed.append(recruiter)
    if changed:
        fields = [*_fields(records[0]).keys(), "opted_out_at", "updated_at"]
        Recruiter.objects.bulk_update(changed, fields, batch_size=1000)

    everyone = {**{r.email: r for r in new}, **existing}
    ids = [r.pk for r in everyone.values()]
    for through, name in (
        (Recruiter.occupations.through, "occupation"),
        (Recruiter.places.through, "place"),
    ):
        for id_chunk in chunks(ids):
            through.objects.filter(recruiter_id__in=id_chunk).delete()
        bulk.insert(
            through,
            ["recruiter", name],
            (
                (everyone[email].pk, pk)
                for email, record in by_email.items()
                for pk in dict.fromkeys(getattr(record, f"{name}_ids"))
            ),
        )
    register_keywords(k for record in records for k in record.keywords)
    # New recruiters have no index rows yet: written from the records, without reading
    # back what was just inserted. Changed ones are rewritten from the database.
    _write_coverage(
        {
            r.pk: _Listing(
                r.seniority_levels,
                r.languages,
                r.keywords,
                list(by_email[email].occupation_ids),
                list(by_email[email].place_ids),
            )
            for email, r in ((r.email, r) for r in new)
            if r.is_reachable
        }
    )
    sync_coverage([r.pk for r in changed])
    for recruiter in changed:
        if not recruiter.is_reachable:
            fail_waiting_deliveries(recruiter_id=recruiter.pk, reason=_UNREACHABLE)
    return [r.pk for r in new], [r.pk for r in changed]


def _fields(record: RecruiterData) -> dict[str, Any]:
    return {
        "name": record.name,
        "agency": record.agency,
        "website": record.website,
        "seniority_levels": list(record.seniority_levels),
        "languages": list(record.languages),
        "keywords": list(record.keywords),
        "daily_cap": record.daily_cap,
        "active": record.active,
    }


_UNREACHABLE = gettext_noop(
    "The recruiter no longer receives packets; your send was returned to you."
)


@transaction.atomic
def recruiter_changed(*, recruiter: Recruiter) -> None:
    """After staff edited a recruiter (the admin): index, vocabulary, waiting packets."""
    if (
        recruiter.opted_out_at is None
        and Suppression.objects.filter(email_hash=email_hash(recruiter.email)).exists()
    ):
        recruiter.opted_out_at = timezone.now()
        recruiter.save(update_fields=["opted_out_at"])
    register_keywords(recruiter.keywords)
    sync_coverage([recruiter.pk])
    if not recruiter.is_reachable:
        fail_waiting_deliveries(recruiter_id=recruiter.pk, reason=_UNREACHABLE)


# --- Opting out -------------------------------------------------------------------------------


@transaction.atomic
def opt_out_recruiter(*, recruiter_id: int) -> bool:
    """Stop all packets to this recruiter now; True if they were not opted out yet.

    Idempotent. Packets still waiting for them are cancelled (the seekers get their
    sends back); their address is remembered so a later import keeps them out.
    """
    recruiter = Recruiter.objects.select_for_update().filter(pk=recruiter_id).first()
    if recruiter is None:
        return False
    Suppression.objects.get_or_create(email_hash=email_hash(recruiter.email))
    if recruiter.opted_out_at is not None:
        return False
    recruiter.opted_out_at = timezone.now()
    recruiter.save(update_fields=["opted_out_at", "updated_at"])
    Coverage.objects.filter(recruiter_id=recruiter.pk).delete()
    fail_waiting_deliveries(
        recruiter_id=recruiter.pk,
        reason=gettext_noop(
            "The recruiter stopped receiving packets before yours left; "
            "your send was returned to you."
        ),
    )
    return True


@transaction.atomic
def suspend_recruiter(*, recruiter_id: int) -> bool:
    """Staff suspend a recruiter (abusive messages): never matched again, waiting packets
    cancelled, and the links they hold answer "gone". True if they were not suspended yet."""
    recruiter = Recruiter.objects.select_for_update().filter(pk=recruiter_id).first()
    if recruiter is None or recruiter.suspended_at is not None:
        return False
    recruiter.suspended_at = timezone.now()
    recruiter.save(update_fields=["suspended_at", "updated_at"])
    Coverage.objects.filter(recruiter_id=recruiter.pk).delete()
    fail_waiting_deliveries(recruiter_id=recruiter.pk, reason=_UNREACHABLE)
    return True


# --- A recruiter's own data (their access and erasure requests) -------------------------------


def export_recruiter(*, email: str) -> dict[str, Any] | None:
    """What we hold about one recruiter, for their access request: never the seekers'
    details, only that packets reached them and when they opened them."""
    recruiter = (
        Recruiter.objects.filter(email=normalise_email(email))
        .prefetch_related("occupations", "places")
        .first()
    )
    if recruiter is None:
        return None

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    deliveries = Delivery.objects.filter(recruiter=recruiter).order_by("created_at")
    return {
        "recruiter": {
            "name": recruiter.name,
            "agency": recruiter.agency,
            "email": recruiter.email,
            "website": recruiter.website,
            "occupations": [f"{o.code} {o.title}" for o in recruiter.occupations.all()],
            "places": [p.label for p in recruiter.places.all()],
            "seniority_levels": recruiter.seniority_levels,
            "languages": recruiter.languages,
            "specialisms": recruiter.keywords,
            "daily_cap": recruiter.daily_cap,
            "active": recruiter.active,
            "opted_out_at": when(recruiter.opted_out_at),
            "frozen_at": when(recruiter.frozen_at),
            "suspended_at": when(recruiter.suspended_at),
            "created_at": when(recruiter.created_at),
            "updated_at": when(recruiter.updated_at),
            "rates": {
                "packets_received": recruiter.packets_received,
                "packets_opened": recruiter.packets_opened,
                "packets_answered": recruiter.packets_answered,
                "median_days_to_first_answer": recruiter.answer_days,
            },
        },
        "packets_received": [
            {
                "sent_at": when(d.sent_at),
                "opened_at": when(d.opened_at),
                "cv_downloaded_at": when(d.downloaded_at),
                "views": d.view_count,
                "downloads": d.download_count,
            }
            for d in deliveries
            if d.sent_at
        ],
        "answers": [
            {"answer": a.get_kind_display(), "message": a.message, "at": when(a.answered_at)}
            for a in Answer.objects.filter(delivery__recruiter=recruiter).order_by("answered_at")
        ],
        "packet_page_activity": [
            {"what": a.get_kind_display(), "at": when(a.at)}
            for a in PacketAccess.objects.filter(delivery__recruiter=recruiter).order_by("at")
        ],
        "about": "Job Letters holds this because the recruiter is listed in its directory of "
        "recruiters who may receive candidates' applications. Candidates' own details are "
        "not included: they belong to those candidates.",
    }


@transaction.atomic
def erase_recruiter(*, email: str) -> bool:
    """Erase one recruiter: their row, coverage and packet activity go; seekers' own
    records keep the name they sent to (their right to know who received their data)."""
    recruiter = Recruiter.objects.select_for_update().filter(email=normalise_email(email)).first()
    if recruiter is None:
        return False
    fail_waiting_deliveries(
        recruiter_id=recruiter.pk,
        reason=gettext_noop(
            "The recruiter left our directory before your packet left; "
            "your send was returned to you."
        ),
    )
    PacketAccess.objects.filter(delivery__recruiter=recruiter).delete()
    # Their messages are theirs; the seeker keeps only which answer they gave.
    Answer.objects.filter(delivery__recruiter=recruiter).exclude(message="").update(message="")
    if recruiter.opted_out_at is not None:
        # Their wish not to be contacted outlives their details.
        Suppression.objects.get_or_create(email_hash=email_hash(recruiter.email))
    recruiter.delete()
    return True
