"""`make types` checks every app of ours, and lets no module off."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _mypy() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def test_every_app_of_ours_is_type_checked():
    ours = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    assert "accounts" in ours
    assert ours | {"config"} <= set(_mypy()["files"])


def test_no_module_has_its_errors_ignored():
    mypy = _mypy()
    assert not mypy.get("ignore_errors")
    for override in mypy.get("overrides", []):
        assert not override.get("ignore_errors"), override["module"]
