from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support inquiries"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (threads follow a confirmed address)
