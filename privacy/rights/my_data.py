"""What "my data" shows (§1, §3): each category with its count, why, how long; consents,
disclosures and privacy requests. The number of queries depends on the registry, never on
how much the person has."""

from __future__ import annotations

from itertools import islice
from typing import Any

from privacy.models import (
    Consent,
    DeletionRequest,
    Disclosure,
    ExportRequest,
    LegalHold,
    LegalRequestSubject,
)
from privacy.registry.declarations import Declaration, declarations

SHOWN_RECORDS = 200


def my_data_for(user: Any) -> dict[str, Any]:
    categories = [(d, d.rows_for(user).count()) for d in declarations()]
    return {
        "categories": [(d, count) for d, count in categories if count],
        "empty_categories": [d for d, count in categories if not count],
        "consents": list(
            Consent.objects.filter(person=user)
            .select_related("policy_version")
            .order_by("-created_at", "-pk")
        ),
        "disclosures": list(
            Disclosure.objects.filter(person=user).order_by("-disclosed_at", "-pk")
        ),
        "exports": list(ExportRequest.objects.filter(person=user).order_by("-requested_at")),
        "deletions": list(DeletionRequest.objects.filter(person=user).order_by("-requested_at")),
        "holds": list(LegalHold.objects.filter(person=user).order_by("-placed_at")),
        # Requests from authorities, once the person may be told (privacy.accountability.legal).
        "legal_requests": list(
            LegalRequestSubject.objects.visible_to(user)
            .select_related("request")
            .order_by("-request__received_on")
        ),
    }


def category_records(user: Any, slug: str) -> tuple[Declaration, list[dict[str, Any]], bool]:
    """A category's records as the export shows them (the first few hundred)."""
    for declaration in declarations():
        if declaration.slug == slug:
            rows = list(islice(declaration.export_rows(user), SHOWN_RECORDS + 1))
            return declaration, rows[:SHOWN_RECORDS], len(rows) > SHOWN_RECORDS
    raise LookupError(slug)
