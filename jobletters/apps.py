from django.apps import AppConfig


class JobLettersConfig(AppConfig):
    name = "jobletters"
    verbose_name = "Job Letters"

    def ready(self) -> None:
        # Importing registers our system checks and the outbox's registry entry.
        from . import checks, personal_data  # noqa: F401
        from .lib.discovery import app_modules

        # Outbox handlers live in each app's tasks.py: every process (web, worker,
        # beat) must know them to defer or run work.
        for _module in app_modules("tasks"):
            pass
