"""The "confirm your email address" page: where the email went, sending it again (POST,
rate-limited, the same answer for any address), a link to support, the confirm page's
wording, and the sign-up page saying what people agree to."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from ..utils import run_outbox

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"
RESEND = "/accounts/email/confirm-again/"


def _signup(client, email="new@example.com"):
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    run_outbox()
    return response


def _confirmations(to):
    return [m for m in mail.outbox if m.to == [to] and "/accounts/confirm-email/" in m.body]


def test_the_page_names_the_address_offers_to_send_again_and_links_to_support(client):
    response = _signup(client)
    page = client.get(response["Location"]).content.decode()
    assert "new@example.com" in page
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page, re.S)
    assert form and form.group(1) == RESEND
    assert "Send the email again" in form.group(2)
    assert 'name="email"' not in form.group(2)  # the address is known: nothing to type
    assert 'href="/support/"' in page


def test_sending_again_waits_a_few_minutes_then_sends_a_new_email(client):
    _signup(client)
    assert len(_confirmations("new@example.com")) == 1
    too_soon = client.post(RESEND)
    assert too_soon.status_code == 429
    assert b"Please wait a few minutes" in too_soon.content
    assert b"still works" in too_soon.content
    run_outbox()
    assert len(_confirmations("new@example.com")) == 1

    cache.clear()  # the minutes have passed
    response = client.post(RESEND, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert b"a new email is on its way" in response.content
    run_outbox()
    assert len(_confirmations("new@example.com")) == 2


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    page = client.get("/accounts/confirm-email/").content.decode()
    assert 'name="email"' in page  # nothing known: the page asks for the address
    response = client.post(RESEND, {"email": "nobody@example.com"}, follow=True)
    assert b"a new email is on its way" in response.content
    run_outbox()
    assert mail.outbox == []


def test_a_confirmed_address_gets_no_new_email(client, seeker):
    response = client.post(RESEND, {"email": seeker.email}, follow=True)
    assert b"a new email is on its way" in response.content
    run_outbox()
    assert mail.outbox == []


def test_a_bad_address_is_refused_with_a_message(client):
    response = client.post(RESEND, {"email": "not an address"})
    assert response.status_code == 400
    assert b"valid email address" in response.content


def test_sending_again_is_post_only_and_limited_per_client(client, settings):
    assert client.get(RESEND).status_code == 405
    settings.RATE_LIMIT_RESEND_CONFIRMATION = "2/h/ip"
    statuses = [
        client.post(RESEND, {"email": f"person{i}@example.com"}).status_code for i in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_the_confirm_page_asks_as_a_person_would(client):
    _signup(client)
    [message] = _confirmations("new@example.com")
    path = "/" + re.search(r"https?://[^/]+/(accounts/confirm-email/\S+/)", message.body).group(1)
    page = client.get(path).content.decode()
    assert "is an email address for user" not in page
    assert "Is <strong>new@example.com</strong> your email address?" in page
    assert "Yes, confirm my address" in page
    expired = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert "This confirmation link has expired, or it was already used." in expired
    assert 'href="/accounts/confirm-email/"' in expired


def test_the_sign_up_page_says_what_people_agree_to_with_the_terms_and_the_policy(client):
    page = client.get("/accounts/signup/").content.decode()
    form = re.search(r'<form[^>]*action="/accounts/signup/".*?</form>', page, re.S).group(0)
    terms = form.index('href="/terms/"')
    policy = form.index('href="/privacy/"')
    button = form.index('type="submit"')
    assert terms < button and policy < button  # read before the button
    assert "By signing up you agree to our" in form
    assert "only when you choose to send them" in form
    assert "<h1>Sign up</h1>" in " ".join(page.split()).replace("> ", ">").replace(" <", "<")


def test_signing_up_with_a_taken_address_shows_the_same_page(client, seeker):
    taken = client.post(
        "/accounts/signup/",
        {"email": seeker.email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    page = taken.content.decode()
    assert taken.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert f"We sent an email to <strong>{seeker.email}</strong>" in page
    assert 'name="email"' not in page.split("resend-confirmation", 1)[1].split("</form>")[0]
