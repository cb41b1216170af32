from django.apps import AppConfig


class RecruitersConfig(AppConfig):
    name = "recruiters"
    verbose_name = "Recruiters"

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (registry declarations)
