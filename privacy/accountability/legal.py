"""Legal requests (§3.2): authorities asking for information about people.

Staff record each request in the admin and move it through its statuses (``MOVES``);
disclosing (:func:`disclose_request`) logs a disclosure per person and has a worker build the
data handed over with the export machinery, in scope only, deleted
``promises.LEGAL_PACKAGE_DAYS`` later.

Nothing about a request reaches the person (email, "my data", their export) until notice is
allowed: past "received" and after "notice prohibited until". Then :func:`send_due_notices`
emails them once and logs any disclosure already made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobletters import outbox
from jobletters.lib.emails import queue_email
from jobletters.lib.files import generate_key
from jobletters.lib.languages import person_language
from privacy import promises
from privacy.consent import record_disclosure
from privacy.models import LegalRequest, LegalRequestSubject
from privacy.registry.declarations import Declaration, declarations
from privacy.rights.export import ExportPlan, write_archive

logger = logging.getLogger(__name__)

Status = LegalRequest.Status
BUILD_PACKAGE = "privacy.legal_package"

OPEN = (Status.RECEIVED, Status.UNDER_REVIEW, Status.CHALLENGED)
FINAL = (Status.DISCLOSED, Status.DISCLOSED_IN_PART, Status.REJECTED)
# Where staff may move a request by hand (disclosing has its own step).
MOVES: dict[str, tuple[str, ...]] = {
    Status.RECEIVED: (Status.UNDER_REVIEW, Status.REJECTED),
    Status.UNDER_REVIEW: (Status.CHALLENGED, Status.REJECTED),
    Status.CHALLENGED: (Status.UNDER_REVIEW, Status.REJECTED),
}
MAY_DISCLOSE = (Status.UNDER_REVIEW, Status.CHALLENGED)


class LegalRequestError(Exception):
    """Why staff cannot do that now, in words shown in the admin."""


# The registry names its categories as the person reads them ("Your sends to
# recruiters"): right in their emails, log and export, odd in the staff's form. Staff
# read these words instead (a test keeps "you" out of the categories not named here).
STAFF_WORDS = {
    "2-1-changes-staff-made-to-your-data": gettext_lazy("Changes staff made to their data"),
    "2-1-your-account": gettext_lazy("Their account"),
    "2-2-jobs-you-are-looking-for": gettext_lazy("Jobs they are looking for"),
    "2-4-messages-in-your-support-inquiries": gettext_lazy("Messages in their support inquiries"),
    "2-4-your-support-inquiries": gettext_lazy("Their support inquiries"),
    "2-5-posts-you-reported": gettext_lazy("Posts they reported"),
    "2-5-your-community-comments": gettext_lazy("Their community comments"),
    "2-5-your-community-threads": gettext_lazy("Their community threads"),
    "2-7-sign-ins-to-your-account": gettext_lazy("Sign-ins to their account"),
    "2-7-the-site-you-came-from-when-you-signed-up": gettext_lazy(
        "The site they came from when they signed up"
    ),
    "3-1-consents-you-gave-or-withdrew": gettext_lazy("Consents they gave or withdrew"),
    "3-1-links-to-your-packets": gettext_lazy("Links to their packets"),
    "3-1-when-recruiters-opened-your-packets": gettext_lazy("When recruiters opened their packets"),
    "3-1-who-received-your-information": gettext_lazy("Who received their information"),
    "3-1-recruiters-answers-to-your-packets": gettext_lazy("Recruiters' answers to their packets"),
    "3-1-introductions-you-accepted-or-declined": gettext_lazy(
        "Introductions they accepted or declined"
    ),
    "3-1-your-sends-to-recruiters": gettext_lazy("Their sends to recruiters"),
    "3-2-legal-requests-about-you": gettext_lazy("Legal requests about them"),
    "5-requests-to-delete-your-account": gettext_lazy("Requests to delete their account"),
    "7-copies-of-your-data-you-asked-for": gettext_lazy("Copies of their data they asked for"),
}


def category_choices() -> list[tuple[str, str]]:
    """Every registry category, by slug, in staff's words: what a request's scope can name."""
    return [(d.slug, f"§{d.section} {STAFF_WORDS.get(d.slug, d.label)}") for d in declarations()]


def category_labels(slugs: list[str], *, for_staff: bool = False) -> list[str]:
    """The categories' names as the person reads them, or as staff do."""
    labels = {
        d.slug: str(STAFF_WORDS.get(d.slug, d.label)) if for_staff else d.label
        for d in declarations()
    }
    return [labels.get(slug, slug) for slug in slugs]


def scoped_declarations(request: LegalRequest) -> list[Declaration]:
    wanted = set(request.data_categories)
    return [d for d in declarations() if d.slug in wanted]


def allowed_statuses(request: LegalRequest) -> tuple[str, ...]:
    """The request's status and those staff may move it to by hand (a new one: received)."""
    if not request.pk:
        return (Status.RECEIVED,)
    return (request.status, *MOVES.get(request.status, ()))


def set_status(*, request: LegalRequest, status: str, now: datetime | None = None) -> None:
    """Move a request by hand (under review, challenged, rejected)."""
    if status == request.status:
        return
    if status not in MOVES.get(request.status, ()):
        raise LegalRequestError(
            _("A request that is “%(from)s” cannot become “%(to)s” by hand.")
            % {"from": request.get_status_display(), "to": Status(status).label}
        )
    LegalRequest.objects.filter(pk=request.pk).update(
        status=status, status_changed_at=now or timezone.now()
    )
    request.status = status


def record_request(*, request: LegalRequest, staff: Any) -> LegalRequest:
    """A new request as it arrived (status "received": nobody is told anything yet)."""
    if request.received_on and request.received_on > timezone.localdate():
        raise LegalRequestError(_("A request cannot be received in the future."))
    request.status = Status.RECEIVED
    request.created_by = staff
    request.save()
    return request


def disclose_request(
    *, request: LegalRequest, staff: Any, in_part: bool, now: datetime | None = None
) -> LegalRequest:
    """Hand over the data in scope: disclosure records, and the data for staff (a worker)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = LegalRequest.objects.select_for_update().get(pk=request.pk)
        if current.status not in MAY_DISCLOSE:
            raise LegalRequestError(
                _("Only a request under review or challenged can be disclosed (this one is “%s”).")
                % current.get_status_display()
            )
        if not scoped_declarations(current):
            raise LegalRequestError(_("Choose the kinds of data in scope first."))
        subjects = list(current.subjects.filter(person__isnull=False).select_related("person"))
        if not subjects:
            raise LegalRequestError(_("Add the people in scope first."))
        current.status = Status.DISCLOSED_IN_PART if in_part else Status.DISCLOSED
        current.status_changed_at = now
        current.disclosed_at = now
        current.disclosed_by = staff
        current.save(update_fields=["status", "status_changed_at", "disclosed_at", "disclosed_by"])
        for subject in subjects:
            subject.disclosed_at = now
            subject.save(update_fields=["disclosed_at"])
            if subject.notified_at is not None:
                # The person knows of the request already: their log shows it at once.
                _log_disclosure(subject, current)
            outbox.defer(
                BUILD_PACKAGE,
                {"subject_id": subject.pk, "file_key": generate_key("legal", "zip")},
                key=f"legal-package:{subject.pk}",
            )
    request.refresh_from_db()
    return request


def _person_category_labels(person: Any, slugs: list[str]) -> list[str]:
    """The categories' names in the person's language (for their log and their emails)."""
    with translation.override(person_language(person)):
        return category_labels(slugs)


def _log_disclosure(subject: LegalRequestSubject, request: LegalRequest) -> None:
    # The log is the person's to read ("Who received your information"): the categories
    # are stored in their language, whatever the language of the staff member's admin.
    categories = _person_category_labels(subject.person, request.data_categories)
    record_disclosure(
        person=subject.person,
        recipient_kind="authority",
        recipient_name=request.agency,
        recipient_reference=request.reference,
        data_categories=categories,
        basis="legal_obligation",
        legal_reference=f"{request}: {' '.join(request.legal_basis.split())}",
        reference=f"legal-request:{request.pk}:{subject.pk}",
    )
    LegalRequestSubject.objects.filter(pk=subject.pk).update(
        disclosure_logged_at=subject.disclosed_at or timezone.now()
    )


def build_package(*, subject_id: int, file_key: str) -> LegalRequestSubject | None:
    """The worker's job: the data handed over, from the export machinery (scope only)."""
    subject = (
        LegalRequestSubject.objects.select_related("request", "person")
        .filter(pk=subject_id)
        .first()
    )
    if subject is None or subject.person is None or subject.package:
        return subject
    request = subject.request
    declarations = scoped_declarations(request)
    plan = ExportPlan(
        user=subject.person,
        declarations=declarations,
        readme_intro=[
            _("Data disclosed for %(request)s") % {"request": request},
            "=" * 40,
            "",
            _("Legal basis: %(basis)s") % {"basis": " ".join(request.legal_basis.split())},
            _("Received on %(date)s; disclosed on %(disclosed)s.")
            % {
                "date": request.received_on.isoformat(),
                "disclosed": (subject.disclosed_at or timezone.now()).date().isoformat(),
            },
            _("It holds only the kinds of data in the request's scope:"),
            *[f"  - §{d.section} {d.label}" for d in declarations],
            "",
        ],
    )
    plan.total_steps = len(declarations)
    write_archive(plan, name=file_key)
    LegalRequestSubject.objects.filter(pk=subject_id).update(
        package=file_key, package_ready_at=timezone.now()
    )
    subject.refresh_from_db()
    return subject


def expire_packages(now: datetime | None = None) -> int:
    """Copies handed over are deleted LEGAL_PACKAGE_DAYS after they were made."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=promises.LEGAL_PACKAGE_DAYS)
    expired = 0
    due = LegalRequestSubject.objects.exclude(package="").filter(package_ready_at__lt=cutoff)
    for subject in due.only("pk", "package")[:500]:
        subject.package.storage.delete(subject.package.name)
        LegalRequestSubject.objects.filter(pk=subject.pk).update(package="")
        expired += 1
    return expired


def notice_allowed(request: LegalRequest, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if request.status == Status.RECEIVED:
        return False
    until = request.notice_prohibited_until
    return until is None or until < today


def due_notices(today: date) -> QuerySet[LegalRequestSubject]:
    """People not told yet of a request looked at by staff, with no prohibition standing."""
    allowed = LegalRequest.objects.exclude(status=Status.RECEIVED).filter(
        Q(notice_prohibited_until__isnull=True) | Q(notice_prohibited_until__lt=today)
    )
    return LegalRequestSubject.objects.filter(
        notified_at__isnull=True, person__isnull=False, request__in=allowed
    )


def send_due_notices(*, now: datetime | None = None) -> int:
    """Email every person whose notice is now allowed, once; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    due = due_notices(today)
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            subject = (
                due.select_for_update().select_related("request", "person").filter(pk=pk).first()
            )
            if subject is None:  # told, or no longer allowed, since
                continue
            request, person = subject.request, subject.person
            assert person is not None, "the query asked for subjects with an account"
            subject.notified_at = now
            subject.save(update_fields=["notified_at"])
            queue_email(
                template="privacy/emails/legal_notice",
                to=[person.email],
                context={
                    "request": request,
                    "categories": _person_category_labels(person, request.data_categories),
                    "disclosed": subject.disclosed_at is not None,
                    "my_data_url": settings.SITE_URL + "/privacy/my-data/",
                },
                person=person,
                key=f"legal-notice:{subject.pk}",
            )
            if subject.disclosed_at is not None and subject.disclosure_logged_at is None:
                _log_disclosure(subject, request)
            sent += 1
    if sent:
        logger.info("legal requests: %d notices queued", sent)
    return sent


def export_subjects(user: Any) -> Any:
    """The person's export of the requests about them (never the other people in scope)."""
    rows = (
        LegalRequestSubject.objects.visible_to(user)
        .select_related("request")
        .order_by("request__received_on")
    )
    for subject in rows.iterator(chunk_size=500):
        request = subject.request
        yield {
            "request": str(request),
            "agency": request.agency,
            "their_reference": request.reference,
            "legal_basis": request.legal_basis,
            "received_on": request.received_on.isoformat(),
            "status": str(request.get_status_display()),
            "data_categories": category_labels(request.data_categories),
            "added_at": subject.added_at.isoformat(),
            "notified_at": subject.notified_at.isoformat() if subject.notified_at else None,
            "disclosed_at": subject.disclosed_at.isoformat() if subject.disclosed_at else None,
        }


def detach_subjects(user: Any) -> None:
    """Erasure: the requests stay (the law), without the person."""
    LegalRequestSubject.objects.filter(person=user).update(person=None)


@dataclass(frozen=True)
class Outcome:
    key: str
    label: Any
    statuses: tuple[str, ...]


OUTCOMES = (
    Outcome("disclosed", gettext_lazy("Data disclosed"), (Status.DISCLOSED,)),
    Outcome("in_part", gettext_lazy("Data disclosed in part"), (Status.DISCLOSED_IN_PART,)),
    Outcome("rejected", gettext_lazy("Rejected: no data disclosed"), (Status.REJECTED,)),
    Outcome("challenged", gettext_lazy("Challenged by us"), (Status.CHALLENGED,)),
    Outcome("open", gettext_lazy("Being reviewed"), (Status.RECEIVED, Status.UNDER_REVIEW)),
)


def band(count: int, size: int) -> str:
    """The band a count falls in: 0-249, 250-499, … (with an en dash)."""
    low = (count // size) * size
    return f"{low}\u2013{low + size - 1}"


@dataclass
class HalfYear:
    year: int
    half: int
    banded: bool
    values: list[str]  # the shown counts, in the order of OUTCOMES
    total: str

    @property
    def label(self) -> str:
        months = _("January to June") if self.half == 1 else _("July to December")
        return f"{months} {self.year}"

    @property
    def anchor(self) -> str:
        return f"h{self.year}-{self.half}"


def _half_of(day: date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def transparency_report(*, today: date | None = None, since: date | None = None) -> list[HalfYear]:
    """Requests per half-year (by the day received) and outcome, newest first; one query.

    Counts are published the way large companies publish national-security
    requests: a half-year in which any count is under the band size
    (``PRIVACY_TRANSPARENCY_BAND``, 250) shows *every* count of that half-year,
    its total included, as a band ("0-249"). Banding only the small cells would
    let a reader subtract the exact cells from an exact total; banding the whole
    half-year leaves no exact number to subtract from.
    """
    today = today or timezone.localdate()
    size = settings.PRIVACY_TRANSPARENCY_BAND
    status_to_outcome = {s: o.key for o in OUTCOMES for s in o.statuses}
    rows = (
        LegalRequest.objects.annotate(
            year=ExtractYear("received_on"), q=ExtractQuarter("received_on")
        )
        .values("year", "q", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[tuple[int, int, str], int] = {}
    for row in rows:
        key = (row["year"], (row["q"] + 1) // 2, status_to_outcome[row["status"]])
        found[key] = found.get(key, 0) + row["n"]
    year, half = _half_of(since) if since else min([k[:2] for k in found] + [_half_of(today)])
    periods: list[HalfYear] = []
    while (year, half) <= _half_of(today):
        counts = [found.get((year, half, o.key), 0) for o in OUTCOMES]
        banded = any(n < size for n in counts)
        shown = (lambda n: band(n, size)) if banded else str
        periods.append(HalfYear(year, half, banded, [shown(n) for n in counts], shown(sum(counts))))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return periods[::-1]
