from celery import shared_task

from . import services


@shared_task
def extract_cv_text_task(cv_id: int) -> None:
    """Read a CV's text for matching (state shown on the CV list)."""
    services.extract_cv_text(cv_id=cv_id)
