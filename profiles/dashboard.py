from __future__ import annotations

from django.http import HttpRequest

from jobletters.dashboard import Panel, register

from .completeness import completeness_for


@register
def panel(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated or request.user.is_staff:
        return None
    return Panel(
        template="profiles/_panel.html",
        context={"completeness": completeness_for(request.user)},
        order=10,
    )
