"""The delivery report tells each packet's whole story: sent, opened (visits), answered,
opted out, revoked or expired; and staff see answers and can suspend a recruiter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from recruiters import directory
from recruiters.models import Delivery, Introduction, PacketLink, Recruiter
from recruiters.packets import opt_out_token

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def sent(seeker):
    b.ready_seeker(seeker)
    alex = b.recruiter(
        name="Alex Carter", agency="Harper Legal",
        occupations=[b.occupation("2611")], places=[b.city("London")],
    )  # fmt: skip
    delivery = b.send_to(seeker, alex)
    return delivery, b.token_for(alex), alex


@pytest.fixture
def admin_client(staff_with_mfa):
    staff = Client()
    staff.force_login(staff_with_mfa)
    return staff


def _revoke_button(delivery) -> str:
    return f'action="/recruiters/sends/{delivery.pk}/revoke/"'


def _row(seeker_client, delivery) -> str:
    page = seeker_client.get("/recruiters/sends/").content.decode()
    start = page.index(f'id="packet-{delivery.pk}"')
    return page[start : page.index("</li>\n      \n    </ul>", start)]


def test_the_row_follows_the_packet_from_sent_to_answered(sent, client, seeker_client):
    delivery, token, _ = sent
    assert "status-sent" in _row(seeker_client, delivery)
    client.get(f"/p/{token}/")
    row = _row(seeker_client, delivery)
    assert "status-opened" in row and "Packet page viewed 1 time." in row
    client.post(f"/p/{token}/answer/", {"kind": "not_now", "message": "Try me in <b>May</b>"})
    client.post(f"/p/{token}/answer/", {"kind": "not_now", "message": "Try me in May."})
    row = _row(seeker_client, delivery)
    assert "status-not-now" in row and "Answered: Not now" in row
    assert "Try me in May." in row and _revoke_button(delivery) in row


def test_an_opted_out_recruiter_row_says_so_and_offers_no_revoke(sent, client, seeker_client):
    delivery, token, alex = sent
    directory.opt_out_recruiter(recruiter_id=alex.pk)
    row = _row(seeker_client, delivery)
    assert "status-opted-out" in row
    assert "asked to receive no more packets; their page is closed" in row
    assert _revoke_button(delivery) not in row
    # Their page is closed indeed, answers too.
    assert client.get(f"/p/{token}/").status_code == 410
    assert client.post(f"/p/{token}/answer/", {"kind": "not_now"}).status_code == 410


def test_an_expired_packet_row_says_so_and_offers_no_revoke(sent, seeker_client):
    delivery, _, _ = sent
    PacketLink.objects.filter(delivery=delivery).update(expires_at=timezone.now() - timedelta(1))
    row = _row(seeker_client, delivery)
    assert "status-expired" in row and "no longer works" in row
    assert _revoke_button(delivery) not in row


def test_a_revoked_packet_cannot_be_revoked_again(sent, seeker_client):
    delivery, _, _ = sent
    assert seeker_client.post(f"/recruiters/sends/{delivery.pk}/revoke/").status_code == 302
    revoked_at = Delivery.objects.get(pk=delivery.pk).revoked_at
    response = seeker_client.post(f"/recruiters/sends/{delivery.pk}/revoke/", follow=True)
    assert "already revoked or never delivered" in response.content.decode()
    assert Delivery.objects.get(pk=delivery.pk).revoked_at == revoked_at
    assert _revoke_button(delivery) not in _row(seeker_client, delivery)


def test_the_consent_screen_never_opens_for_nobody(sent, seeker_client):
    _, _, alex = sent
    directory.opt_out_recruiter(recruiter_id=alex.pk)
    response = seeker_client.get(f"/recruiters/send/?r={alex.pk}", follow=True)
    assert response.redirect_chain == [("/recruiters/matches/", 302)]
    page = response.content.decode()
    assert "no longer match your targets or no longer receive packets" in page
    assert 'name="consent"' not in page


def test_staff_see_answers_per_delivery_and_suspend_a_recruiter(sent, client, admin_client):
    delivery, token, alex = sent
    client.post(f"/p/{token}/answer/", {"kind": "not_a_fit", "message": "Rude words here"})
    Introduction.objects.create(delivery=delivery)
    page = admin_client.get(f"/admin/recruiters/delivery/{delivery.pk}/change/")
    assert page.status_code == 200 and "Rude words here" in page.content.decode()
    assert "Waiting for your decision" in page.content.decode()

    response = admin_client.post(
        "/admin/recruiters/recruiter/",
        {"action": "suspend", "_selected_action": [alex.pk]},
        follow=True,
    )
    assert "1 recruiter(s) suspended." in response.content.decode()
    alex.refresh_from_db()
    assert alex.suspended_at is not None and not alex.is_reachable
    assert not Recruiter.objects.reachable().filter(pk=alex.pk).exists()
    assert client.get(f"/p/{token}/").status_code == 410
    assert client.post(f"/p/{token}/answer/", {"kind": "interested"}).status_code == 410
    assert client.get(f"/p/{token}/cv/").status_code == 410


def _closed(response, words: str) -> bool:
    return response.status_code == 410 and words in response.content.decode()


LEFT = "You are no longer in our directory"


def test_a_recruiter_who_removed_themselves_finds_their_old_links_gone(sent, client, seeker_client):
    delivery, token, alex = sent
    own = client.get(f"/p/{token}/").content.decode()
    own_page = own[own.index("/recruiters/me/") :].split('"')[0]
    opt_out = f"/recruiters/opt-out/{opt_out_token(alex.pk)}/"
    assert client.post(own_page, {"action": "remove"}).status_code == 200
    for url in (f"/p/{token}/", f"/p/{token}/cv/", opt_out):
        assert _closed(client.get(url), LEFT), url
    assert _closed(client.post(f"/p/{token}/answer/", {"kind": "interested"}), LEFT)
    assert client.post(opt_out).status_code == 200  # one-click clients: they are out
    assert client.get(own_page).status_code == 410
    row = _row(seeker_client, delivery)
    assert "status-left-the-directory" in row and "left our directory" in row
    assert _revoke_button(delivery) not in row


def test_erasing_a_recruiter_closes_the_packet_links_they_hold(sent, client, seeker_client):
    delivery, token, alex = sent
    assert client.get(f"/p/{token}/").status_code == 200
    assert directory.erase_recruiter(email=alex.email)
    assert _closed(client.get(f"/p/{token}/"), LEFT)
    assert _closed(client.get(f"/p/{token}/cv/"), LEFT)
    assert _closed(client.post(f"/p/{token}/answer/", {"kind": "interested"}), LEFT)
    assert _revoke_button(delivery) not in _row(seeker_client, delivery)


def test_a_suspended_recruiters_packet_links_answer_gone(sent, client):
    _, token, alex = sent
    assert directory.suspend_recruiter(recruiter_id=alex.pk)
    closed = "This link no longer works."
    assert _closed(client.get(f"/p/{token}/"), closed)
    assert _closed(client.get(f"/p/{token}/cv/"), closed)
    assert _closed(client.post(f"/p/{token}/answer/", {"kind": "interested"}), closed)
