from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from jobletters.dashboard import Panel
from jobletters.lib.prepared import PreparedQuery

from .models import Delivery

State = Delivery.State

_COUNTS = ("total", "waiting", "sent", "opened", "downloaded", "failed")


def _counts_query(seeker_id: int) -> QuerySet[Any]:
    return (
        Delivery.objects.filter(seeker_id=seeker_id)
        .order_by()
        .values("seeker_id")
        .annotate(
            total=Count("pk"),
            waiting=Count("pk", filter=Q(state__in=Delivery.IN_FLIGHT)),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            downloaded=Count("pk", filter=Q(downloaded_at__isnull=False)),
            failed=Count("pk", filter=Q(state=State.FAILED)),
        )
        .values_list(*_COUNTS)
    )


# Every dashboard view runs it: compiled once per connection (building the
# aggregate costs several times more than running it).
_COUNTS_QUERY = PreparedQuery(_counts_query, seeker_id=-987_654_321)


def counts_for(seeker_id: int) -> dict[str, int]:
    """Where the seeker's packets are (all zero before the first send), in one query."""
    row = _COUNTS_QUERY.first(seeker_id=seeker_id)
    return dict(zip(_COUNTS, row or (0,) * len(_COUNTS), strict=True))


def panel(request: HttpRequest) -> Panel | None:
    """Where the seeker's packets are, in one query."""
    if not request.user.is_authenticated or request.user.is_staff:
        return None
    return Panel(
        template="recruiters/_panel.html", context={"counts": counts_for(request.user.pk)}, order=20
    )
