"""The dashboard's privacy panel: your data, a copy of it, deleting your account."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from jobletters.dashboard import Panel
from jobletters.lib.prepared import PreparedQuery

from .models import ExportRequest

_SHOWN = ("state", "requested_at", "expires_at")


def _latest_export_query(person_id: int) -> QuerySet[Any]:
    return (
        ExportRequest.objects.filter(person_id=person_id)
        .order_by("-requested_at")
        .values_list("pk", *_SHOWN)[:1]
    )


# Every dashboard view runs it: compiled once per connection.
_LATEST_EXPORT = PreparedQuery(_latest_export_query, person_id=-987_654_321)


def latest_export(person_id: int) -> ExportRequest | None:
    """The person's latest request for a copy (only what the panel shows), or None."""
    row = _LATEST_EXPORT.first(person_id=person_id)
    if row is None:
        return None
    pk, *shown = row
    return ExportRequest(pk=pk, person_id=person_id, **dict(zip(_SHOWN, shown, strict=True)))


def panel(request: HttpRequest) -> Panel:
    return Panel(
        template="privacy/_panel.html",
        context={"export": latest_export(request.user.pk)},
        order=900,
    )
