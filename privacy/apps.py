from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from . import checks, registry, signals  # noqa: F401

        # Every app's personal_data.py, like dashboard.py and demo.py.
        registry.autodiscover()
