from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules


class JobLettersConfig(AppConfig):
    name = "jobletters"
    verbose_name = "Job Letters"

    def ready(self) -> None:
        # The one way apps plug in: modules named by convention, each registering
        # what it contributes when imported (by every process: web, worker, beat).
        # checks.py: system checks; signals.py: receivers; personal_data.py: the
        # privacy registry; tasks.py: outbox handlers and Celery tasks; dashboard.py:
        # a panel; statistics.py: aggregates that may be released. (demo.py modules
        # are imported by ``manage.py demo`` only.)
        autodiscover_modules(
            "checks", "signals", "personal_data", "tasks", "dashboard", "statistics"
        )
        # The email handler and the mailing batches every worker runs.
        from .lib import emails, mailing  # noqa: F401


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site as ``admin.site`` (jobletters.admin_site)."""

    default = False  # named in INSTALLED_APPS; JobLettersConfig stays this module's default
    default_site = "jobletters.admin_site.StaffAdminSite"
