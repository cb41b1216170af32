"""The dashboard's privacy panel: your data, a copy of it, deleting your account."""

from __future__ import annotations

from django.http import HttpRequest

from jobletters.dashboard import Panel

from .models import ExportRequest


def panel(request: HttpRequest) -> Panel:
    latest = (
        ExportRequest.objects.filter(person_id=request.user.pk)
        .order_by("-requested_at")
        .only("state", "requested_at", "expires_at")
        .first()
    )
    return Panel(template="privacy/_panel.html", context={"export": latest}, order=900)
