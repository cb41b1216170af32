"""CV text extraction by a real Celery worker (same approach as tests/core/test_worker.py)."""

from __future__ import annotations

import pytest

from profiles.models import CV

from ..utils import wait_until
from . import builders
from .test_cvs import upload


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_reads_the_text_of_uploaded_cvs(real_worker, seeker, seeker_client):
    upload(seeker_client, "cv.pdf", builders.pdf_bytes("Worker read this PDF"))
    upload(seeker_client, "cv.docx", builders.docx_bytes("Worker read this DOCX"))

    def all_done() -> bool:
        return set(CV.objects.filter(owner=seeker).values_list("text_state", flat=True)) == {"done"}

    assert wait_until(all_done)
    texts = dict(CV.objects.filter(owner=seeker).values_list("kind", "text"))
    assert "Worker read this PDF" in texts["pdf"]
    assert "Worker read this DOCX" in texts["docx"]
