"""§2.4 the contact form: visitors (email required) and people signed in; a confirmation
email that repeats nothing written; spam protection with no third party."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jobletters.models import OutboxEntry
from support import spam
from support.models import Inquiry, InquiryMessage

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_s24_a_visitor_writes_and_gets_a_confirmation(client):
    response = b.write(
        client,
        email="Visitor@Example.COM",
        name="Vera Visitor",
        body="Do you work with recruiters in Lyon? Call me on +33 6 12 34 56 78.",
    )
    assert response.status_code == 302 and response["Location"] == "/support/sent/"
    assert "we received your message" in client.get("/support/sent/").content.decode()

    inquiry = Inquiry.objects.get()
    assert inquiry.person is None and not inquiry.signed_in
    assert inquiry.email == "Visitor@example.com"
    assert inquiry.name == "Vera Visitor" and inquiry.state == "open"
    [message] = inquiry.messages.all()
    assert "Lyon" in message.body and not message.from_staff

    run_outbox()
    [confirmation] = [m for m in mail.outbox if m.to == ["Visitor@example.com"]]
    assert f"#{inquiry.pk}" in confirmation.subject
    # Nothing the visitor wrote is repeated: the form is no way to email anyone any text.
    for written in ("Lyon", "+33", "Vera", "Where is my CV"):
        assert written not in confirmation.body
        assert written not in confirmation.alternatives[0][0]
    assert "List-Unsubscribe" not in confirmation.extra_headers  # an account/transaction email
    [notice] = [m for m in mail.outbox if m.to == ["support@jobletters.example"]]
    assert f"/admin/support/inquiry/{inquiry.pk}/change/" in notice.body
    assert "Visitor@example.com" not in notice.body and "Lyon" not in notice.body


def test_s24_a_visitor_must_give_an_email_address(client):
    response = b.write(client, email="")
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = b.write(client, email="not-an-address")
    assert "Enter a valid email address" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_s24_empty_or_oversized_messages_get_a_clear_message(client):
    response = b.write(client, email="v@example.com", body="")
    assert "This field is required" in response.content.decode()
    response = b.write(client, email="v@example.com", body="x" * 5001)
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    response = b.write(client, email="v@example.com", subject="s" * 201)
    assert "at most 200 characters" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_s24_signed_in_people_write_without_giving_their_address(seeker, seeker_client):
    page = seeker_client.get("/support/").content.decode()
    assert 'name="email"' not in page
    response = b.write(seeker_client, email="someone.else@example.com")
    inquiry = Inquiry.objects.get()
    assert response["Location"] == f"/support/inquiries/{inquiry.pk}/"
    assert inquiry.person == seeker and inquiry.email == seeker.email and inquiry.signed_in
    run_outbox()
    [confirmation] = [m for m in mail.outbox if m.to == [seeker.email]]
    assert f"http://testserver/support/inquiries/{inquiry.pk}/" in confirmation.body
    assert not [m for m in mail.outbox if "someone.else" in m.to[0]]


def test_s24_the_form_page_writes_nothing_and_needs_no_account(client, seeker_client):
    for who in (client, seeker_client):
        who.get("/support/")
        with CaptureQueriesContext(connection) as queries:
            response = who.get("/support/")
        assert response.status_code == 200
        assert _writes(queries) == []
        assert len(queries) <= 2  # signed in: the session and the user
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
    assert not inline_script.search(client.get("/support/").content.decode())  # CSP


# --- Spam protection -------------------------------------------------------------------


def test_s24_the_honeypot_is_hidden_from_people_and_drops_bots_silently(client):
    page = client.get("/support/").content.decode()
    assert '<div class="support-hp" aria-hidden="true">' in page
    assert 'name="leave_empty"' in page and 'tabindex="-1"' in page
    assert "css/support.css" in page

    response = b.write(client, email="bot@example.com", leave_empty="http://spam.example")
    assert response.status_code == 302 and response["Location"] == "/support/sent/"
    assert not Inquiry.objects.exists() and not InquiryMessage.objects.exists()
    assert not OutboxEntry.objects.exists()  # no email to anyone


def test_s24_a_form_sent_faster_than_anyone_types_is_refused(client, settings):
    settings.SUPPORT_FORM_MIN_SECONDS = 3
    response = b.write(client, email="quick@example.com")
    assert response.status_code == 200
    html = response.content.decode()
    assert "That was very quick" in html
    assert not Inquiry.objects.exists()
    # What was written is still there, with a new token, to send again.
    assert "I uploaded it yesterday." in html
    later = spam.form_token(now=time.time() - 5)
    b.write(client, email="quick@example.com", shown=later)
    assert Inquiry.objects.count() == 1


@pytest.mark.parametrize("token", ["", "made-up", "stale"])
def test_s24_a_missing_forged_or_stale_token_is_refused(client, token):
    if token == "stale":  # shown two days ago (made here: test ids must not change per run)
        token = spam.form_token(now=time.time() - 2 * 24 * 3600)
    response = b.write(client, email="v@example.com", shown=token)
    assert response.status_code == 200
    assert "Please send your message again" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_s24_a_back_dated_token_cannot_be_made_without_the_key(client, settings):
    from django.core import signing

    forged = signing.dumps({"shown": 0}, salt="another-salt")
    b.write(client, email="v@example.com", shown=forged)
    assert not Inquiry.objects.exists()


def test_s24_rate_limited_per_address(client, settings):
    settings.SUPPORT_RATE_LIMITS = {"inquiry": "10/h/ip,2/h/key", "reply": "30/h/user"}
    for n in range(2):
        b.write(client, email="flood@example.com", ip=f"203.0.113.{n}")
    response = b.write(client, email="FLOOD@example.com", ip="203.0.113.9")
    assert response.status_code == 429
    assert "several messages in a short time" in response.content.decode()
    assert Inquiry.objects.count() == 2
    assert b.write(client, email="other@example.com", ip="203.0.113.9").status_code == 302


def test_s24_rate_limited_per_client_address(client, settings):
    settings.SUPPORT_RATE_LIMITS = {"inquiry": "3/h/ip,10/h/key", "reply": "30/h/user"}
    for n in range(3):
        assert b.write(client, email=f"v{n}@example.com").status_code == 302
    assert b.write(client, email="v9@example.com").status_code == 429
    assert b.write(client, email="v9@example.com", ip="192.0.2.1").status_code == 302
    assert Inquiry.objects.count() == 4


def test_s24_bots_spend_the_allowance_too(client, settings):
    settings.SUPPORT_RATE_LIMITS = {"inquiry": "2/h/ip,10/h/key", "reply": "30/h/user"}
    for n in range(2):
        b.write(client, email=f"bot{n}@example.com", leave_empty="x")
    assert b.write(client, email="bot9@example.com", leave_empty="x").status_code == 429


def test_s24_the_limit_lives_in_the_shared_cache(client, settings):
    """Two web processes share it: a second client (same address) is limited too."""
    settings.SUPPORT_RATE_LIMITS = {"inquiry": "1/h/ip,10/h/key", "reply": "30/h/user"}
    b.write(client, email="a@example.com")
    assert b.write(Client(), email="b@example.com").status_code == 429
