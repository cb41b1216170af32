from django.apps import AppConfig


class JobLettersConfig(AppConfig):
    name = "jobletters"
    verbose_name = "Job Letters"
