"""S3 (moto's server) refusing and hanging during uploads, downloads, exports and erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from jobletters import outbox
from privacy.models import ExportRequest
from privacy.rights.deletion import purge_due_deletions, request_deletion
from profiles.models import CV
from recruiters import report
from recruiters.models import Delivery, PacketAccess

from ..profiles import builders as cv_builders
from ..profiles.helpers import upload
from ..recruiters import builders as b
from ..recruiters.test_packets import send_to, token_for

pytestmark = pytest.mark.django_db
FAULTS = ["refuse", "hang"]


def _unavailable(response) -> bool:
    return response.status_code == 503 and response["Retry-After"] == "30"


def _keys(s3, prefix: str = "") -> set[str]:
    listed = s3.bucket.client.list_objects_v2(Bucket=s3.bucket.name, Prefix=prefix)
    return {item["Key"] for item in listed.get("Contents", [])}


def _later(days: float) -> timezone.datetime:
    return timezone.now() + timedelta(days=days)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.fault(
    "S3 refusing or hanging during a CV upload",
    sees="the 503 page (a hung store: after its timeouts, a few seconds)",
    work="nothing kept, no CV and no object; the same upload works once S3 is back",
)
def test_s3_down_during_a_cv_upload(fault, s3, seeker, browser):
    browser.force_login(seeker)
    pdf = cv_builders.pdf_bytes("Sam Seeker")
    getattr(s3, fault)()
    assert _unavailable(upload(browser, "cv.pdf", pdf))
    assert not CV.objects.filter(owner=seeker).exists()
    assert _keys(s3) == set()

    s3.restore()
    assert upload(browser, "cv.pdf", pdf).status_code == 302
    cv = CV.objects.get(owner=seeker)
    assert cv.state == CV.State.READY
    assert _keys(s3) == {cv.file.name, cv.normalised_file.name}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.fault(
    "S3 refusing or hanging during a CV download (the seeker's own, a recruiter's CV link)",
    sees="the 503 page; once S3 is back, the download. The seeker's report says \"CV link "
    'opened" when the recruiter was sent on to S3, never "CV downloaded"',
    work="no download recorded while it fails; an opened link is recorded once per opening",
)
def test_s3_down_during_cv_downloads(fault, s3, seeker, browser):
    b.ready_seeker(seeker)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    delivery = send_to(seeker, alex)
    cv_link = f"/p/{token_for(alex)}/cv/"
    browser.force_login(seeker)
    own = f"/profile/cv/{CV.objects.get(owner=seeker).pk}/download/"
    recruiter = type(browser)()

    getattr(s3, fault)()
    assert _unavailable(recruiter.get(cv_link))
    assert _unavailable(browser.get(own))
    assert not PacketAccess.objects.filter(kind=PacketAccess.Kind.DOWNLOAD).exists()
    assert report.status_of(Delivery.objects.get(pk=delivery.pk)) == "Sent"

    s3.restore()
    sent_on = recruiter.get(cv_link)
    assert sent_on.status_code == 302
    # S3 fails the recruiter's browser after the redirect: we cannot know, and say so.
    getattr(s3, fault)()
    with pytest.raises(requests.RequestException):
        requests.get(sent_on["Location"], timeout=1)
    page = browser.get("/recruiters/sends/").content.decode()
    assert "CV downloaded" not in page
    assert "CV link opened" in page
    assert report.status_of(Delivery.objects.get(pk=delivery.pk)) == "CV link opened"

    s3.restore()
    assert requests.get(sent_on["Location"], timeout=5).content.startswith(b"%PDF-")
    assert browser.get(own).status_code == 302
    assert PacketAccess.objects.filter(kind=PacketAccess.Kind.DOWNLOAD).count() == 1


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.fault(
    "S3 refusing or hanging while a copy of a person's data (export) is built",
    sees='"being prepared", as when S3 is up; then the download',
    work="the build is retried with backoff and finishes once S3 is back: one copy, one email",
)
def test_s3_down_during_an_export(fault, s3, seeker, browser):
    browser.force_login(seeker)
    getattr(s3, fault)()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert browser.post("/privacy/export/").status_code == 302
    export = ExportRequest.objects.get(person=seeker)
    assert export.state not in (ExportRequest.State.READY, ExportRequest.State.FAILED)
    assert browser.get("/privacy/export/").status_code == 200

    s3.restore()
    for days in (0.1, 0.2, 0.3):  # the retries, as a worker runs them later
        outbox.run_due(now=_later(days))
    export.refresh_from_db()
    assert export.state == ExportRequest.State.READY
    assert len(_keys(s3, "exports/")) == 1
    assert len([m for m in mail.outbox if m.to == [seeker.email]]) == 1
    assert browser.get(f"/privacy/export/{export.pk}/download/").status_code == 302


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.fault(
    "S3 refusing or hanging during an account's erasure",
    sees="the account stays frozen (signed out, nothing shown) until the erasure ends",
    work="the erasure is retried with backoff and ends once S3 is back: every stored file "
    "of the person deleted, nobody else's",
)
def test_s3_down_during_an_erasure(fault, s3, seeker, other_seeker):
    b.ready_seeker(seeker)
    b.ready_seeker(other_seeker)
    mine = {cv.file.name for cv in CV.objects.filter(owner=seeker)}
    mine |= {cv.normalised_file.name for cv in CV.objects.filter(owner=seeker)}
    theirs = _keys(s3) - mine
    request_deletion(user=seeker)

    getattr(s3, fault)()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert purge_due_deletions(now=_later(40)) == 1
    assert type(seeker).objects.filter(pk=seeker.pk).exists()  # waiting, not half-erased
    assert mine <= _keys(s3)

    s3.restore()
    for days in (0.1, 0.2, 0.3):
        outbox.run_due(now=_later(days))
    assert not type(seeker).objects.filter(pk=seeker.pk).exists()
    assert _keys(s3) & mine == set()
    assert theirs <= _keys(s3)
