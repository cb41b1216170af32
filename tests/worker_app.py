"""The Celery app for worker *processes* started by tests (``celery -A tests.worker_app``).

It is the project's own app, plus the test-only outbox handlers of
``tests/worker_tasks.py``, imported once Django is set up in the worker.
"""

from jobletters.celery import app

app.conf.imports = (*tuple(app.conf.imports or ()), "tests.worker_tasks")
if app.conf.broker_url.startswith("filesystem://"):
    # The filesystem broker is polled, once a second by default: a test that sends a
    # dozen tasks would wait a second for each.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }

__all__ = ["app"]
