"""The dashboard's privacy panel: your data, a copy of it, deleting your account."""

from __future__ import annotations

from django.http import HttpRequest

from jobletters.dashboard import Panel, register

from .models import ExportRequest


def latest_export(person_id: int) -> ExportRequest | None:
    """The person's latest request for a copy (only what the panel shows), or None."""
    return (
        ExportRequest.objects.filter(person_id=person_id)
        .only("state", "requested_at", "expires_at")
        .order_by("-requested_at")
        .first()
    )


@register
def panel(request: HttpRequest) -> Panel:
    return Panel(
        template="privacy/_panel.html",
        context={
            "export": latest_export(request.user.pk) if request.user.is_authenticated else None
        },
        order=900,
    )
