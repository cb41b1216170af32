"""§2.7 "the webpage you visited before coming to our sites": the referring host, at sign-up."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from usage.models import SignUpSource

pytestmark = pytest.mark.django_db

PASSWORD = "Zq9!mountain-river"


def _sign_up(client: Client, email: str, came_from: str) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "came_from": came_from},
    )
    assert response.status_code == 302, response.content[:1000]


def test_the_referring_sites_host_is_carried_by_the_form_and_kept_at_sign_up():
    client = Client()
    page = client.get(
        "/accounts/signup/", HTTP_REFERER="https://news.example.org/jobs/article?id=42&u=sam"
    ).content.decode()
    assert 'name="came_from" value="news.example.org"' in page
    assert "article" not in page and "u=sam" not in page  # only the host, never the page
    _sign_up(client, "new.person@example.com", "news.example.org")
    user = User.objects.get(email="new.person@example.com")
    assert SignUpSource.objects.get(person=user).referrer_host == "news.example.org"


def test_our_own_pages_and_bad_values_are_not_kept():
    client = Client()
    page = client.get("/accounts/signup/", HTTP_REFERER="http://testserver/").content.decode()
    assert '<input type="hidden" name="came_from" id="id_came_from">' in page  # no value
    _sign_up(client, "one@example.com", "testserver")
    _sign_up(Client(), "two@example.com", "<script>alert(1)</script>")
    _sign_up(Client(), "three@example.com", "https://evil.example/path")
    assert not SignUpSource.objects.exists()


def test_nothing_is_kept_when_the_browser_asks_not_to_be_tracked():
    client = Client(HTTP_SEC_GPC="1")
    page = client.get("/accounts/signup/", HTTP_REFERER="https://news.example.org/").content
    assert b'value="news.example.org"' not in page
    _sign_up(client, "gpc@example.com", "news.example.org")
    assert not SignUpSource.objects.exists()


def test_staff_see_how_many_sign_ups_each_site_brought(staff_with_mfa, seeker, other_seeker):
    SignUpSource.objects.create(person=seeker, referrer_host="news.example.org")
    SignUpSource.objects.create(person=other_seeker, referrer_host="news.example.org")
    client = Client()
    client.force_login(staff_with_mfa)
    page = client.get("/admin/usage/signupsource/").content.decode()
    assert "news.example.org (2)" in page
    assert seeker.email not in page
