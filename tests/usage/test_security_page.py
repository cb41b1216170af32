"""§2.7 on the security page: sign-ins and sessions in words, and "this wasn't me"."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from tests.factories import DEFAULT_PASSWORD
from usage.models import SignIn

pytestmark = pytest.mark.django_db

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def _sign_in(user, *, agent: str, ip: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _signed_in(client: Client) -> bool:
    return client.get("/dashboard/").status_code == 200


def test_each_sign_in_is_recorded_with_ip_and_browser(seeker):
    _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    sign_in = SignIn.objects.get(person=seeker)
    assert sign_in.ip == "198.51.100.7" and sign_in.user_agent == FIREFOX_WINDOWS
    assert len(sign_in.session_hash) == 64
    assert not sign_in.ip_truncated


def test_a_wrong_password_records_no_sign_in(seeker):
    Client().post("/accounts/login/", {"login": seeker.email, "password": "wrong-password"})
    assert not SignIn.objects.exists()


def test_the_security_page_shows_browser_and_device_in_words(seeker):
    _sign_in(seeker, agent=SAFARI_IPHONE, ip="203.0.113.9")
    laptop = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Firefox 125 on Windows 10 (a computer)" in page
    assert "Mobile Safari 17 on iOS 17.4 (Apple iPhone, a phone)" in page
    assert "198.51.100.7" in page and "203.0.113.9" in page
    assert "this browser" in page
    assert FIREFOX_WINDOWS not in page  # never the raw string
    assert "We do not work out where you are from your IP address." in page


def test_this_wasnt_me_ends_that_session_and_asks_for_a_new_password(seeker):
    intruder = _sign_in(seeker, agent=SAFARI_IPHONE, ip="203.0.113.9")
    bystander = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.8")
    owner = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    theirs = UserSession.objects.get(ip="203.0.113.9")

    confirm = owner.get(f"/accounts/sessions/{theirs.pk}/not-me/")
    assert confirm.status_code == 200
    assert "Mobile Safari 17 on iOS 17.4" in confirm.content.decode()
    response = owner.post(f"/accounts/sessions/{theirs.pk}/not-me/", {})  # box unticked
    assert response["Location"] == "/accounts/password/change/"
    assert "choose a new one now" in owner.get("/accounts/password/change/").content.decode()

    assert not _signed_in(intruder)
    assert _signed_in(bystander) and _signed_in(owner)
    assert SignIn.objects.get(ip="203.0.113.9").reported_at is not None


def test_this_wasnt_me_can_sign_out_every_other_browser_too(seeker):
    intruder = _sign_in(seeker, agent=SAFARI_IPHONE, ip="203.0.113.9")
    other = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.8")
    owner = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    sign_in = SignIn.objects.get(ip="203.0.113.9")
    owner.post(f"/accounts/sign-ins/{sign_in.pk}/not-me/", {"end_others": "on"})
    assert not _signed_in(intruder) and not _signed_in(other)
    assert _signed_in(owner)
    page = owner.get("/accounts/sessions/").content.decode()
    assert "You said this wasn't you." in page


def test_ending_one_session_and_all_others(seeker):
    one = _sign_in(seeker, agent=SAFARI_IPHONE, ip="203.0.113.9")
    two = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.8")
    owner = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    first = UserSession.objects.get(ip="203.0.113.9")
    owner.post(f"/accounts/sessions/{first.pk}/end/")
    assert not _signed_in(one) and _signed_in(two)
    owner.post("/accounts/sessions/others/end/")
    assert not _signed_in(two) and _signed_in(owner)


def test_another_persons_session_or_sign_in_is_a_404(seeker, other_seeker):
    theirs = _sign_in(other_seeker, agent=SAFARI_IPHONE, ip="203.0.113.9")
    mine = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    session = UserSession.objects.get(user=other_seeker)
    sign_in = SignIn.objects.get(person=other_seeker)
    assert mine.get(f"/accounts/sessions/{session.pk}/not-me/").status_code == 404
    assert mine.post(f"/accounts/sessions/{session.pk}/not-me/", {}).status_code == 404
    assert mine.post(f"/accounts/sessions/{session.pk}/end/").status_code == 404
    assert mine.get(f"/accounts/sign-ins/{sign_in.pk}/not-me/").status_code == 404
    assert _signed_in(theirs)
    assert SignIn.objects.get(person=other_seeker).reported_at is None


def test_the_current_browser_is_not_ended_by_mistake(seeker):
    owner = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    current = UserSession.objects.get(user=seeker)
    assert owner.get(f"/accounts/sessions/{current.pk}/not-me/").status_code == 404
    owner.post(f"/accounts/sessions/{current.pk}/end/")
    assert _signed_in(owner)


def test_the_security_page_needs_a_sign_in_and_only_posts_change_things(client, seeker):
    response = client.get("/accounts/sessions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    owner = _sign_in(seeker, agent=FIREFOX_WINDOWS, ip="198.51.100.7")
    assert owner.get("/accounts/sessions/others/end/").status_code == 405
