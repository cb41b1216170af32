"""The retention job (§5): every declared retention rule, enforced; counts logged, never people."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import ExportRequest

logger = logging.getLogger(__name__)


def expire_exports(now: datetime) -> int:
    """Copies of data are deleted when they expire (the request row stays)."""
    expired = 0
    due = ExportRequest.objects.filter(
        state=ExportRequest.State.READY, expires_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due[:1000]):
        with transaction.atomic():
            export = ExportRequest.objects.select_for_update().filter(pk=pk).first()
            if export is None or export.state != ExportRequest.State.READY:
                continue
            if export.file:
                export.file.storage.delete(export.file.name)
            export.file = ""
            export.state = ExportRequest.State.EXPIRED
            export.save(update_fields=["file", "state"])
            expired += 1
    return expired


def held_sections() -> set[str]:
    """Policy sections under an open hold: their rows wait, whatever their period."""
    from .models import LegalHold

    sections: set[str] = set()
    for row in LegalHold.objects.filter(released_at__isnull=True).values_list(
        "sections", flat=True
    ):
        sections.update(row or ["*"])
    return sections


def run_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every declared rule once; returns {category: rows removed}, and
    {"<category> (reduced)": rows} for rules that keep less of a row (``Reduce``)."""
    from . import holds, registry

    now = now or timezone.now()
    holds.sync_automatic_holds()
    held = held_sections()
    counts: dict[str, int] = {}
    enforced: set[int] = set()
    for declaration in registry.declarations():
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
