from django.apps import AppConfig


class RecruitersConfig(AppConfig):
    name = "recruiters"
    verbose_name = "Recruiters"
