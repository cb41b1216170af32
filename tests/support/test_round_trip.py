"""§2.4 the whole conversation through real parts: a Celery worker sends every email over
SMTP; a visitor writes, staff answer in the admin, the visitor signs up with that address
and finds the thread on their new account, and replies there."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from support.models import Inquiry

from ..utils import wait_until
from . import builders as b

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"


def _to(sink, address: str) -> list:
    return [m for m in sink.messages if m["X-Envelope-To"] == address]


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _arrives(sink, address: str, count: int) -> list:
    assert wait_until(lambda: len(_to(sink, address)) >= count, timeout=30), [
        (m["X-Envelope-To"], m["Subject"]) for m in sink.messages
    ]
    return _to(sink, address)


def test_s24_support_thread_round_trip_over_smtp(real_worker, smtp_sink, staff_with_mfa):
    visitor = Client()
    b.write(
        visitor,
        email="vera@example.com",
        name="Vera",
        subject="Do you cover Lyon?",
        body="I am a lawyer moving to Lyon.",
    )
    inquiry = Inquiry.objects.get()

    [confirmation] = _arrives(smtp_sink, "vera@example.com", 1)
    assert confirmation["Subject"] == f"Job Letters: we received your message (#{inquiry.pk})"
    assert "Lyon" not in _text(confirmation)
    [notice] = _arrives(smtp_sink, "support@jobletters.example", 1)
    assert f"/admin/support/inquiry/{inquiry.pk}/change/" in _text(notice)

    staff = Client()
    staff.force_login(staff_with_mfa)
    staff.post(
        f"/admin/support/inquiry/{inquiry.pk}/change/",
        {"answer": "Yes: 40 recruiters place lawyers in Lyon."},
    )
    [_, answer] = _arrives(smtp_sink, "vera@example.com", 2)
    assert answer["Subject"] == f"Re: Do you cover Lyon? (#{inquiry.pk})"
    assert answer["Message-ID"] != confirmation["Message-ID"]
    assert "Yes: 40 recruiters place lawyers in Lyon." in _text(answer)
    assert "/support/inquiries/" not in _text(answer)  # no account yet

    # Vera signs up with the same address and confirms it: the thread joins her account.
    visitor.post(
        "/accounts/signup/",
        {"email": "vera@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    [*_, welcome] = _arrives(smtp_sink, "vera@example.com", 3)
    link = re.search(r"/accounts/confirm-email/\S+/", _text(welcome)).group(0)
    visitor.post(link)
    inquiry.refresh_from_db()
    assert inquiry.person is not None and inquiry.person.email == "vera@example.com"

    visitor.post("/accounts/login/", {"login": "vera@example.com", "password": PASSWORD})
    page = visitor.get(f"/support/inquiries/{inquiry.pk}/").content.decode()
    assert "I am a lawyer moving to Lyon." in page
    assert "Yes: 40 recruiters place lawyers in Lyon." in page

    visitor.post(f"/support/inquiries/{inquiry.pk}/", {"body": "Great, thank you!"})
    _arrives(smtp_sink, "support@jobletters.example", 2)
    inquiry.refresh_from_db()
    assert inquiry.state == "open"
    assert [m.body for m in inquiry.messages.all()][-1] == "Great, thank you!"
