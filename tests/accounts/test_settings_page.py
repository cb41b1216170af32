import pytest
from allauth.usersessions.models import UserSession

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_settings_page_shows_every_part_of_the_account(seeker_client):
    response = seeker_client.get("/accounts/settings/")
    assert response.status_code == 200
    for link in (
        b"/accounts/email/",
        b"/accounts/password/change/",
        b"/accounts/2fa/",
        b"/accounts/sessions/",
    ):
        assert link in response.content
    assert b"seeker@example.com" in response.content


def test_seeker_changes_their_name(seeker_client, seeker):
    response = seeker_client.post("/accounts/settings/", {"name": "  Samira Seeker "})
    assert response.status_code == 302
    assert User.objects.get(pk=seeker.pk).name == "Samira Seeker"


def test_name_that_is_too_long_gets_a_message(seeker_client):
    response = seeker_client.post("/accounts/settings/", {"name": "x" * 200})
    assert response.status_code == 200
    assert b"at most 150 characters" in response.content


def test_sessions_are_listed_and_can_be_ended(client, seeker, password):
    client.post("/accounts/login/", {"login": seeker.email, "password": password})
    assert UserSession.objects.filter(user=seeker).count() == 1
    response = client.get("/accounts/sessions/")
    assert response.status_code == 200
    assert b"Sign Out" in response.content or b"sign out" in response.content.lower()


def test_mfa_pages_render_in_the_site_layout(seeker_client):
    response = seeker_client.get("/accounts/2fa/")
    assert response.status_code == 200
    assert b"vendor/pico.min.css" in response.content
    assert b"Skip to content" in response.content
