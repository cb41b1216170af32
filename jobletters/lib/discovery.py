"""Find the modules that apps contribute by convention (``dashboard.py``, ``demo.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> Iterator[ModuleType]:
    """Each installed app's ``<app>.<name>`` module, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, name):
            yield import_module(f"{config.name}.{name}")
