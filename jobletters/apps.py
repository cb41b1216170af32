from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


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


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site as ``admin.site`` (jobletters.admin_site)."""

    default = False  # named in INSTALLED_APPS; JobLettersConfig stays this module's default
    default_site = "jobletters.admin_site.StaffAdminSite"
