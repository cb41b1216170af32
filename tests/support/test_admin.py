"""§2.4 staff see inquiries in the admin and answer them: the answer is emailed once and
joins the thread; closing and opening again."""

from __future__ import annotations

import pytest
from django.core import mail

from support.models import Inquiry

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db

ADMIN = "/admin/support/inquiry/"


def _answer(admin_client, inquiry, text: str, close: bool = False):
    data = {"answer": text}
    if close:
        data["close"] = "on"
    return admin_client.post(f"{ADMIN}{inquiry.pk}/change/", data)


def test_staff_see_inquiries_and_the_whole_thread(admin_client, seeker):
    inquiry = b.inquiry_for(seeker, subject="Lost my CV", body="Please help <script>x</script>")
    Inquiry.objects.create(email="visitor@example.com", subject="From a visitor")
    listing = admin_client.get(ADMIN).content.decode()
    assert "Lost my CV" in listing and "From a visitor" in listing
    page = admin_client.get(f"{ADMIN}{inquiry.pk}/change/").content.decode()
    assert "Please help &lt;script&gt;x&lt;/script&gt;" in page
    assert seeker.email in page
    assert 'name="answer"' in page
    assert admin_client.get(f"{ADMIN}add/").status_code == 403  # inquiries come from people


def test_an_answer_is_emailed_once_and_joins_the_thread(admin_client, seeker, staff_with_mfa):
    inquiry = b.inquiry_for(seeker, subject="Lost my CV")
    response = _answer(admin_client, inquiry, "It is back in your list.")
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.state == "answered"
    answer = inquiry.messages.get(from_staff=True)
    assert answer.staff == staff_with_mfa and answer.body == "It is back in your list."

    run_outbox()
    run_outbox()
    [email] = [m for m in mail.outbox if m.to == [seeker.email]]
    assert email.subject == f"Re: Lost my CV (#{inquiry.pk})"
    assert "It is back in your list." in email.body
    assert f"http://testserver/support/inquiries/{inquiry.pk}/" in email.body
    assert "List-Unsubscribe" not in email.extra_headers


def test_answer_and_close_then_close_and_reopen_from_the_list(admin_client, seeker):
    inquiry = b.inquiry_for(seeker)
    _answer(admin_client, inquiry, "Sorted.", close=True)
    inquiry.refresh_from_db()
    assert inquiry.state == "closed" and inquiry.closed_at is not None

    admin_client.post(ADMIN, {"action": "reopen", "_selected_action": [inquiry.pk]})
    inquiry.refresh_from_db()
    assert inquiry.state == "open" and inquiry.closed_at is None
    admin_client.post(ADMIN, {"action": "close", "_selected_action": [inquiry.pk]})
    assert Inquiry.objects.get().state == "closed"


def test_saving_without_an_answer_sends_nothing(admin_client, seeker):
    inquiry = b.inquiry_for(seeker)
    _answer(admin_client, inquiry, "   ")
    assert Inquiry.objects.get().state == "open"
    assert inquiry.messages.count() == 1
    run_outbox()
    assert not [m for m in mail.outbox if m.to == [seeker.email]]


def test_a_visitors_answer_goes_to_their_address_without_an_account_link(admin_client):
    inquiry = Inquiry.objects.create(email="visitor@example.com", name="Vera", subject="Hi")
    _answer(admin_client, inquiry, "Hello Vera.")
    run_outbox()
    [email] = [m for m in mail.outbox if m.to == ["visitor@example.com"]]
    assert email.body.startswith("Hello Vera,")
    assert "/support/inquiries/" not in email.body and "contact form" in email.body
