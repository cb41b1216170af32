"""The recruiter's side: the packet page, the CV download, 410s, and one-click opt-out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from billing import ledger
from profiles import cvs
from profiles.models import CV
from recruiters import sending
from recruiters.models import Coverage, Delivery, PacketAccess, PacketLink, Recruiter, Suppression

from ..utils import run_outbox
from . import builders as b
from .builders import send_to, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(seeker):
    b.ready_seeker(seeker)
    alex = b.recruiter(
        name="Alex Carter", agency="Harper Legal",
        occupations=[b.occupation("2611")], places=[b.city("London")],
    )  # fmt: skip
    delivery = send_to(seeker, alex)
    return delivery, token_for(alex), alex


def test_the_packet_page_shows_the_packet_and_records_each_visit(sent, client, settings):
    settings.RECRUITERS_PACKET_VISIT_SECONDS = 0  # every view is a visit of its own
    delivery, token, _ = sent
    response = client.get(f"/p/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sam Seeker" in html and "Commercial lawyer, 8 years" in html
    assert "I advise technology companies on <strong>M&amp;A</strong>" in html
    assert f'href="/p/{token}/cv/"' in html
    assert "seeker@example.com" in html and "12 Example Row" not in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(",", " ").split())
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "Set-Cookie" not in response and not response.cookies
    assert "/recruiters/opt-out/" in html

    client.get(f"/p/{token}/")
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.OPENED and delivery.opened_at
    assert delivery.view_count == 2
    assert PacketAccess.objects.filter(delivery=delivery, kind="view").count() == 2


def test_the_cv_downloads_as_the_normalised_copy_and_is_recorded(sent, client, seeker):
    delivery, token, _ = sent
    response = client.get(f"/p/{token}/cv/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Sam CV.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    current = CV.objects.get(owner=seeker)
    with cvs.copy_for_recruiters(cv=current).file.open("rb") as copy:
        assert body == copy.read()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DOWNLOADED and delivery.downloaded_at
    assert delivery.opened_at and delivery.download_count == 1

    report = Client()
    report.force_login(seeker)
    html = report.get("/recruiters/sends/").content.decode()
    assert "CV link opened" in html and "Opened" in html


def test_a_cv_the_seeker_deleted_is_gone(sent, client, seeker):
    _, token, _ = sent
    cvs.delete_cv(cv=CV.objects.get(owner=seeker))
    response = client.get(f"/p/{token}/cv/")
    assert response.status_code == 410
    assert "deleted this CV" in response.content.decode()
    assert client.get(f"/p/{token}/").status_code == 200  # the rest of the packet stays


MISSING = "Its file is missing on our side"


def _cv_whose_file_is_lost(client, token: str) -> None:
    """The CV's row is there, its stored copy is not: a page saying so, not a download."""
    response = client.get(f"/p/{token}/cv/")
    assert response.status_code == 404
    assert MISSING in response.content.decode()
    assert f'href="/p/{token}/"' in response.content.decode()
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(",", " ").split())
    assert not PacketAccess.objects.filter(kind=PacketAccess.Kind.DOWNLOAD).exists()
    assert client.get(f"/p/{token}/").status_code == 200  # the rest of the packet stays


def test_a_cv_whose_file_is_missing_gets_a_page_saying_so(sent, client, seeker):
    _, token, _ = sent
    copy = CV.objects.get(owner=seeker).normalised_file
    copy.storage.delete(copy.name)
    _cv_whose_file_is_lost(client, token)


def test_a_cv_whose_object_is_missing_on_s3_gets_a_page_not_a_redirect(moto_s3, sent, seeker):
    _, token, _ = sent
    copy = CV.objects.get(owner=seeker).normalised_file
    moto_s3.client.delete_object(Bucket=moto_s3.name, Key=copy.name)
    _cv_whose_file_is_lost(Client(), token)


def test_revoked_packets_are_gone(sent, client, seeker):
    delivery, token, _ = sent
    owner = Client()
    owner.force_login(seeker)
    owner.post(f"/recruiters/sends/{delivery.pk}/revoke/")
    for path in (f"/p/{token}/", f"/p/{token}/cv/"):
        response = client.get(path)
        assert response.status_code == 410
        assert "withdrawn this packet" in response.content.decode()
        assert "Sam Seeker" not in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.sent_at and delivery.revoked_at and delivery.state == "revoked"
    # Its send was used: the email had left.
    assert ledger.balance(user=seeker) == 9


def test_a_packet_link_works_for_30_days_and_says_so(sent):
    delivery, _, alex = sent
    delivery.refresh_from_db()
    lasts = PacketLink.objects.get(delivery=delivery).expires_at - delivery.sent_at
    assert abs(lasts - timedelta(days=30)) < timedelta(minutes=1)
    email = next(m for m in mail.outbox if m.to == [alex.email])
    assert "private link, works for 30 days" in email.body


def test_expired_links_are_gone(sent, client):
    _, token, _ = sent
    PacketLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/p/{token}/")
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert client.get(f"/p/{token}/cv/").status_code == 410


def test_a_deleted_account_leaves_a_link_that_says_so(sent, client, seeker):
    from privacy.rights.erasure import erase_person

    _delivery, token, _ = sent
    erase_person(seeker.pk)  # what happens when the grace period ends
    assert not Delivery.objects.exists()
    link = PacketLink.objects.get()
    assert link.delivery is None  # only the hash and dates are left
    response = client.get(f"/p/{token}/")
    assert response.status_code == 410
    assert "deleted their account" in response.content.decode()


def test_a_deactivated_account_closes_its_packets(sent, client, seeker):
    _, token, _ = sent
    seeker.is_active = False
    seeker.save()
    assert client.get(f"/p/{token}/").status_code == 410


@pytest.mark.parametrize(
    "path",
    [
        "/p/" + "A" * 43 + "/",
        "/p/" + "A" * 43 + "/cv/",
        "/p/short/",
        "/p/%00/",
        "/p/" + "x" * 500 + "/",
    ],
)
def test_unknown_links_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_the_link_token_is_stored_only_as_a_hash(sent):
    _, token, _ = sent
    link = PacketLink.objects.get()
    assert token not in link.token_hash and len(token) >= 43  # 256 bits
    assert Delivery.objects.filter(message_id__contains=token).count() == 0


# --- Opting out ------------------------------------------------------------------------


def _opt_out_path(recruiter) -> str:
    message = next(m for m in mail.outbox if m.to == [recruiter.email])
    return re.search(
        r"<http://[^/]+(/recruiters/opt-out/[^>]+)>", message.extra_headers["List-Unsubscribe"]
    ).group(1)


def test_one_click_opt_out_needs_no_cookie_or_csrf_and_answers_without_a_redirect(sent, seeker):
    _, _, alex = sent
    path = _opt_out_path(alex)
    recruiter_client = Client(enforce_csrf_checks=True)

    page = recruiter_client.get(path)
    assert page.status_code == 200 and "Stop all packets" in page.content.decode()
    assert not page.cookies and "r•••@agency" in page.content.decode()

    # What a mail client does for RFC 8058: a POST with this body, nothing else.
    done = recruiter_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200 and not done.cookies
    assert "no more packets" in done.content.decode()
    alex.refresh_from_db()
    assert alex.opted_out_at is not None
    assert not Coverage.objects.filter(recruiter=alex).exists()
    assert Suppression.objects.count() == 1

    again = recruiter_client.post(path)
    assert again.status_code == 200
    assert Recruiter.objects.get(pk=alex.pk).opted_out_at == alex.opted_out_at
    assert "no longer receives" in recruiter_client.get(path).content.decode()


def test_opting_out_cancels_waiting_packets_and_returns_their_sends(seeker, other_seeker):
    b.ready_seeker(seeker)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    waiting = send_to(seeker, alex, deliver=False)
    assert ledger.balance(user=seeker) == 9
    from recruiters.packets import opt_out_token

    response = Client().post(f"/recruiters/opt-out/{opt_out_token(alex.pk)}/")

    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.state == Delivery.State.FAILED and "stopped receiving" in waiting.failure
    assert ledger.balance(user=seeker) == 10
    run_outbox()
    assert mail.outbox == []


def test_a_forged_opt_out_link_does_nothing(sent, client):
    _, _, alex = sent
    for token in ("1:forged", "MQ:1tqGWm:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "%00"):
        assert client.post(f"/recruiters/opt-out/{token}/").status_code == 404
    alex.refresh_from_db()
    assert alex.opted_out_at is None


def test_an_erased_recruiters_opt_out_link_still_answers(sent, client):
    _, _, alex = sent
    path = _opt_out_path(alex)
    alex.delete()
    assert client.post(path).status_code == 200  # one-click clients: done, they are out
    assert client.get(path).status_code == 410  # a person: the link is closed, in words


def test_views_within_a_visit_count_once_and_a_later_visit_counts_again(sent, client, settings):
    from django.core.cache import cache

    from recruiters.sending import _visit_key

    delivery, token, _ = sent
    for _ in range(3):  # a reload, a scanner's fetch then the recruiter's
        assert client.get(f"/p/{token}/").status_code == 200
    delivery.refresh_from_db()
    assert delivery.view_count == 1 and delivery.opened_at
    assert PacketAccess.objects.filter(delivery=delivery, kind="view").count() == 1
    cache.delete(_visit_key(token))  # RECRUITERS_PACKET_VISIT_SECONDS later
    assert client.get(f"/p/{token}/").status_code == 200
    delivery.refresh_from_db()
    assert delivery.view_count == 2


def test_a_packet_page_seen_again_writes_nothing_and_keeps_its_private_headers(sent, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _delivery, token, _ = sent
    client.get(f"/p/{token}/")  # the visit, recorded
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/p/{token}/")  # the same visit
    verbs = {q["sql"].lstrip().split(" ", 1)[0].upper() for q in queries.captured_queries}
    assert verbs == {"SELECT"}
    assert response.status_code == 200 and "Sam Seeker" in response.content.decode()
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(",", " ").split())
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_packet_page_is_gone_as_soon_as_the_seeker_revokes_it(sent, client, seeker):
    delivery, token, _ = sent
    for _ in range(3):
        assert client.get(f"/p/{token}/").status_code == 200
    sending.revoke_delivery(seeker=seeker, delivery_id=delivery.pk)
    assert client.get(f"/p/{token}/").status_code == 410


def test_a_packet_page_is_not_served_once_its_link_expired(sent, client, monkeypatch):
    delivery, token, _ = sent
    for _ in range(3):
        assert client.get(f"/p/{token}/").status_code == 200
    expiry = PacketLink.objects.get(delivery=delivery).expires_at.timestamp()
    monkeypatch.setattr(
        "recruiters.packets.timezone.now",
        lambda: datetime.fromtimestamp(expiry + 1, tz=UTC),
    )
    assert client.get(f"/p/{token}/").status_code == 410
