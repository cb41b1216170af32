"""The dashboard is made of panels that each app contributes.

An app adds a panel by having a ``dashboard.py`` module with a ``panel(request)``
function that returns a :class:`Panel` (or ``None`` to show nothing). Panels are
ordered by ``order``; each renders its own small template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.http import HttpRequest

from .lib.discovery import app_modules


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@cache
def _providers() -> list[Callable[[HttpRequest], Panel | None]]:
    return [module.panel for module in app_modules("dashboard") if hasattr(module, "panel")]


def panels_for(request: HttpRequest) -> list[Panel]:
    panels = [p for provider in _providers() if (p := provider(request)) is not None]
    return sorted(panels, key=lambda p: p.order)
