"""The dashboard is made of panels that each app contributes.

An app adds a panel by having a ``dashboard.py`` module with a ``panel(request)``
function that returns a :class:`Panel` (or ``None`` to show nothing). Panels are
ordered by ``order``; each renders its own small template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.http import HttpRequest


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@cache
def _providers() -> list[Callable[[HttpRequest], Panel | None]]:
    providers = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        if hasattr(module, "panel"):
            providers.append(module.panel)
    return providers


def panels_for(request: HttpRequest) -> list[Panel]:
    panels = [p for provider in _providers() if (p := provider(request)) is not None]
    return sorted(panels, key=lambda p: p.order)
