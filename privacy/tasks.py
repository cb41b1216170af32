"""Privacy's background work: exports and erasures through the outbox, and beat jobs."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jobletters import outbox
from jobletters.lib.emails import queue_email
from jobletters.lib.languages import person_language
from privacy.accountability import legal
from privacy.documents import notices  # noqa: F401  (registers the notices mailing)
from privacy.models import ExportRequest
from privacy.registry.declarations import declarations
from privacy.rights import deletion, holds
from privacy.rights.erasure import journal_missing_tombstones
from privacy.rights.export import BUILD_EXPORT, ExportIncomplete, build_export

logger = logging.getLogger(__name__)

_EXPORT_FAILED = gettext_noop(
    "We could not prepare your copy. We have been told and will look into it; you can "
    "ask for a new copy now."
)


@outbox.handler(BUILD_EXPORT, queue="privacy", max_attempts=3, time_limit=60 * 60)
def build_export_job(payload: dict) -> None:
    try:
        export = build_export(export_id=payload["export_id"], file_key=payload["file_key"])
    except ExportIncomplete as exc:
        raise outbox.GiveUp(str(exc)) from exc
    if export is not None and export.state == ExportRequest.State.READY:
        queue_email(
            template="privacy/emails/export_ready",
            to=[export.person.email],
            context={"export": export, "url": settings.SITE_URL + reverse("privacy:export")},
            person=export.person,
            key=f"export-ready:{export.pk}",
        )


@build_export_job.on_give_up
def _export_gave_up(payload: dict, error: str) -> None:
    # Never "preparing" forever: the person sees it failed and may ask again, in the
    # language the copy's progress was written in (theirs).
    export = ExportRequest.objects.select_related("person").filter(pk=payload["export_id"]).first()
    with translation.override(person_language(export.person if export else None)):
        ExportRequest.objects.filter(pk=payload["export_id"]).exclude(
            state=ExportRequest.State.READY
        ).update(state=ExportRequest.State.FAILED, error=_(_EXPORT_FAILED), step=_("Failed"))
    if export is not None:
        try:
            default_storage.delete(payload["file_key"])
        except Exception:
            logger.warning("export: could not remove a partial copy")


# Erasure is retried with backoff until the request's deadline (each entry's tries:
# privacy.rights.deletion.erasure_attempts), e.g. while Stripe is down for a day.
@outbox.handler(deletion.ERASE_PERSON, queue="privacy", time_limit=30 * 60)
def erase_person_job(payload: dict) -> None:
    deletion.run_deletion(deletion_id=payload["deletion_id"])


@erase_person_job.on_give_up
def _erasure_gave_up(payload: dict, error: str) -> None:
    deletion.erasure_failed(deletion_id=payload["deletion_id"], error=error)


@shared_task(name="privacy.tasks.purge_due_deletions")
def purge_due_deletions() -> int:
    return deletion.purge_due_deletions()


def apply_retention(*, now: datetime | None = None) -> dict[str, int]:
    """The retention job (§5): every declared rule applied once; counts logged, never people.

    Returns {category: rows removed}, and {"<category> (reduced)": rows} for rules that
    keep less of a row (``Reduce``)."""
    now = now or timezone.now()
    holds.sync_automatic_holds()
    held = holds.held_sections()
    counts: dict[str, int] = {}
    enforced: set[int] = set()
    for declaration in declarations():
        rule = declaration.retention
        if declaration.section in held and rule.legal:
            logger.info("retention: %s waits for a legal hold", declaration.model._meta.label)
            continue
        if rule.enforceable and not (rule.enforce is not None and id(rule.enforce) in enforced):
            if rule.enforce is not None:
                enforced.add(id(rule.enforce))
                removed = rule.enforce(now)
            else:
                removed, _ = rule.expired(declaration.model, now).delete()
            counts[declaration.label] = removed
            logger.info("retention: %s removed=%d", declaration.model._meta.label, removed)
        # What stays keeps less once it is old enough (after deleting: less to reduce).
        for reduction in rule.reduce:
            reduced = reduction.apply(declaration.model, now)
            counts[f"{declaration.label} (reduced)"] = reduced
            logger.info("retention: %s reduced=%d", declaration.model._meta.label, reduced)
    return counts


@shared_task(name="privacy.tasks.run_retention")
def run_retention() -> dict:
    counts = apply_retention()
    journal_missing_tombstones()
    return counts


@outbox.handler(legal.BUILD_PACKAGE, queue="privacy", max_attempts=5, time_limit=60 * 60)
def legal_package(payload: dict) -> None:
    try:
        legal.build_package(subject_id=payload["subject_id"], file_key=payload["file_key"])
    except ExportIncomplete as exc:
        raise outbox.GiveUp(str(exc)) from exc


@shared_task(name="privacy.tasks.legal_request_jobs")
def legal_request_jobs() -> dict:
    """Notices that became allowed go out; copies handed over expire."""
    return {"notices": legal.send_due_notices(), "packages_expired": legal.expire_packages()}
