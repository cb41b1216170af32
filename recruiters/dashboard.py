from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from jobletters.dashboard import Panel, register

from .models import Delivery

State = Delivery.State


def counts_for(seeker_id: int) -> dict[str, int]:
    """Where the seeker's packets are (all zero before the first send), in one query."""
    return Delivery.objects.filter(seeker_id=seeker_id).aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(state__in=Delivery.IN_FLIGHT)),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        downloaded=Count("pk", filter=Q(downloaded_at__isnull=False)),
        failed=Count("pk", filter=Q(state=State.FAILED)),
    )


@register
def panel(request: HttpRequest) -> Panel | None:
    """Where the seeker's packets are, in one query."""
    if not request.user.is_authenticated or request.user.is_staff:
        return None
    return Panel(
        template="recruiters/_panel.html", context={"counts": counts_for(request.user.pk)}, order=20
    )
