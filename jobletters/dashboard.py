"""The dashboard is made of panels that each app contributes.

An app's ``dashboard.py`` (imported at start-up with the other convention modules,
``jobletters.apps``) registers a function ``panel(request)`` with :func:`register`;
it returns a :class:`Panel` (or ``None`` to show nothing). Panels are ordered by
``order``; each renders its own small template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


Provider = Callable[[HttpRequest], Panel | None]
providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    providers.append(provider)
    return provider


def panels_for(request: HttpRequest) -> list[Panel]:
    panels = [p for provider in providers if (p := provider(request)) is not None]
    return sorted(panels, key=lambda p: p.order)
