"""``manage.py check`` shows the registry's gaps (errors) and things to look at (warnings)."""

from __future__ import annotations

from typing import Any

from django.core import checks


# With --deploy only (CI runs it): a model another engineer is still writing must not
# stop runserver or migrate; tests/privacy/test_registry.py fails on the same gaps.
@checks.register("privacy", deploy=True)
def registry_coverage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from . import registry

    messages: list[checks.CheckMessage] = [
        checks.Error(problem, id="privacy.E001", hint="Declare it in the app's personal_data.py.")
        for problem in registry.coverage_problems()
    ]
    messages += [
        checks.Warning(warning, id="privacy.W001") for warning in registry.coverage_warnings()
    ]
    return messages
