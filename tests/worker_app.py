"""The Celery app for worker *processes* started by tests (``celery -A tests.worker_app``).

It is the project's own app, plus the test-only outbox handlers of
``tests/worker_tasks.py``, imported once Django is set up in the worker.
"""

from jobletters.celery import app

app.conf.imports = (*tuple(app.conf.imports or ()), "tests.worker_tasks")

__all__ = ["app"]
