"""Demo data (``manage.py demo``): each app's ``demo.py`` registers a loader here.

A loader is ``load(*, seeker, staff, stdout)`` and must be safe to run again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules

Loader = Callable[..., None]
loaders: list[Loader] = []


def register(loader: Loader) -> Loader:
    loaders.append(loader)
    return loader


def load_all(*, seeker: Any, staff: Any, stdout: Any) -> None:
    """Every app's demo data, in the order of INSTALLED_APPS."""
    autodiscover_modules("demo")
    for loader in loaders:
        loader(seeker=seeker, staff=staff, stdout=stdout)
