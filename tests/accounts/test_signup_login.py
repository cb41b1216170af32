"""Sign-up, email confirmation, login and the rules around them (policy §2.1)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User

from ..utils import run_outbox

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _signup(client, email="new@example.com"):
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    run_outbox()  # the worker sends the confirmation email
    return response


def _confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_signup_sends_a_confirmation_email_in_text_and_html(client):
    response = _signup(client)
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.com").exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.com"]
    assert "/accounts/confirm-email/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Confirm your email address" in html


def test_unverified_user_cannot_log_in(client):
    _signup(client)
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/").status_code == 302


def test_confirmed_user_logs_in_and_sees_dashboard(client):
    _signup(client)
    link = _confirmation_link(mail.outbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200  # a confirm button, never GET-confirms
    client.post("/" + path)
    assert EmailAddress.objects.get(email="new@example.com").verified
    response = client.post(
        "/accounts/login/", {"login": "new@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_login_is_by_email_case_insensitively(client, seeker, password):
    response = client.post(
        "/accounts/login/", {"login": "SEEKER@example.com", "password": password}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == seeker.pk


def test_wrong_password_shows_a_message_next_to_the_form(client, seeker):
    response = client.post("/accounts/login/", {"login": seeker.email, "password": "nope"})
    assert response.status_code == 200
    assert b"not correct" in response.content


def test_login_rate_limit_answers_429(client, seeker, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post("/accounts/login/", {"login": seeker.email, "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    assert (
        b"Too many attempts"
        in client.post("/accounts/login/", {"login": seeker.email, "password": "wrong"}).content
    )


def test_signup_rate_limit_answers_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    assert _signup(client, "a@example.com").status_code == 302
    client.logout()
    assert _signup(client, "b@example.com").status_code == 302
    client.logout()
    assert _signup(client, "c@example.com").status_code == 429
    assert not User.objects.filter(email="c@example.com").exists()


def test_password_reset_email_goes_out_for_known_address_only_without_enumeration(client, seeker):
    for email in (seeker.email, "nobody@example.com"):
        response = client.post("/accounts/password/reset/", {"email": email})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/reset/done/"
    run_outbox()
    reset = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in reset] == [[seeker.email]]


def test_changing_the_password_sends_a_warning_email(seeker_client, seeker, password):
    response = seeker_client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    seeker.refresh_from_db()
    assert seeker.check_password(NEW_PASSWORD)
    run_outbox()
    [notice] = [m for m in mail.outbox if m.to == [seeker.email]]
    assert "password" in notice.subject.lower()
