"""CV text extraction by a real Celery worker (same approach as tests/core/test_worker.py)."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from jobletters.celery import app as celery_app
from profiles.models import CV

from . import builders
from .test_cvs import upload


@pytest.fixture
def real_worker(settings, tmp_path):
    celery_app.conf.task_always_eager = False
    original_options = celery_app.conf.broker_transport_options
    if celery_app.conf.broker_url.startswith("filesystem://"):
        queue = tmp_path / "broker"
        queue.mkdir()
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "store_processed": False,
        }
    # Eager tasks in earlier tests opened the producer pool with the old broker
    # options (Celery's apply_async acquires a producer even when eager): drop it
    # so this test's messages go where its worker listens.
    _drop_producer_pool()
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery_app.conf.broker_transport_options = original_options
    _drop_producer_pool()
    celery_app.conf.task_always_eager = True


def _drop_producer_pool() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _wait_until(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_reads_the_text_of_uploaded_cvs(real_worker, seeker, seeker_client):
    upload(seeker_client, "cv.pdf", builders.pdf_bytes("Worker read this PDF"))
    upload(seeker_client, "cv.docx", builders.docx_bytes("Worker read this DOCX"))

    def all_done() -> bool:
        return set(CV.objects.filter(owner=seeker).values_list("text_state", flat=True)) == {"done"}

    assert _wait_until(all_done)
    texts = dict(CV.objects.filter(owner=seeker).values_list("kind", "text"))
    assert "Worker read this PDF" in texts["pdf"]
    assert "Worker read this DOCX" in texts["docx"]
