"""CV checks by a real Celery worker (same approach as tests/core/test_worker.py): the
outbox hands the check to the worker, which runs it in a sandboxed child process."""

from __future__ import annotations

import pytest

from profiles.models import CV

from ..utils import wait_until
from . import builders
from .helpers import upload


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_checks_uploaded_cvs_and_reads_their_text(real_worker, seeker, seeker_client):
    upload(seeker_client, "cv.pdf", builders.pdf_bytes("Worker read this PDF"))
    upload(seeker_client, "cv.docx", builders.docx_bytes("Worker read this DOCX"))
    upload(seeker_client, "bad.pdf", builders.pdf_with_javascript())

    def all_decided() -> bool:
        states = set(CV.objects.filter(owner=seeker).values_list("state", flat=True))
        return "checking" not in states

    assert wait_until(all_decided, timeout=60)
    states = dict(CV.objects.filter(owner=seeker).values_list("original_name", "state"))
    assert states == {"cv.pdf": "ready", "cv.docx": "ready", "bad.pdf": "refused"}
    texts = dict(CV.objects.filter(owner=seeker, state="ready").values_list("kind", "text"))
    assert "Worker read this PDF" in texts["pdf"]
    assert "Worker read this DOCX" in texts["docx"]
    assert CV.objects.get(owner=seeker, is_current=True).state == "ready"
