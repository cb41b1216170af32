"""The Celery application: queues ``default``, ``packets`` and ``privacy``.

Tasks are thin: they take ids, call one service and retry with backoff on
transient errors. Enqueue them after commit with ``task.delay_on_commit(...)``
so a worker never looks for a row that a rolled-back transaction never wrote.
"""

import os

from celery import Celery, signals
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class JobLettersTask(DjangoTask):
    # DjangoTask brings delay_on_commit()/apply_async_on_commit().
    # The default retry pattern for every task: exponential backoff with jitter
    # on errors that are worth retrying; anything else fails loudly. (Deferred
    # work goes through the outbox, which retries by itself: jobletters.outbox.)
    autoretry_for = (ConnectionError, TimeoutError)
    retry_backoff = 5
    retry_backoff_max = 10 * 60
    retry_jitter = True
    max_retries = 8


app = Celery("jobletters", task_cls=JobLettersTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _use_django_logging(**kwargs) -> None:
    """Workers and beat log through Django's LOGGING (redacted, one handler).

    Connecting this signal stops Celery from installing handlers of its own, which
    would bypass redaction and leave its loggers without ours.
    """
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
