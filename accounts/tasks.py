from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Expired sessions hold a user id; they go as soon as they are useless (§2.9)."""
    call_command("clearsessions")
