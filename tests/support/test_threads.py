"""§2.4 a person's inquiries on their account: the list, each thread with our answers,
replies; another person's thread is a 404; pages read in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support import services
from support.models import Inquiry

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_s24_the_list_shows_each_inquiry_with_its_answers(seeker, seeker_client, staff):
    first = b.inquiry_for(seeker, subject="Billing question")
    services.answer_inquiry(inquiry=first, staff=staff, body="Refunded.")
    b.inquiry_for(seeker, subject="CV upload")
    html = seeker_client.get("/support/inquiries/").content.decode()
    assert "Billing question" in html and "CV upload" in html
    assert html.index("CV upload") < html.index("Billing question")  # newest activity first
    assert "Answered" in html and "Waiting for us" in html


def test_s24_the_list_and_thread_read_in_fixed_queries(seeker, seeker_client, staff, settings):
    seeker_client.get("/dashboard/")

    def measure(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert seeker_client.get(path).status_code == 200
        assert _writes(queries) == []
        return len(queries)

    one = b.inquiry_for(seeker)
    few = (measure("/support/inquiries/"), measure(f"/support/inquiries/{one.pk}/"))
    for n in range(12):
        more = b.inquiry_for(seeker, subject=f"Question {n}")
        services.answer_inquiry(inquiry=one, staff=staff, body=f"Answer {n}")
        services.reply_to_inquiry(inquiry=one, person=seeker, body=f"Thanks {n}")
    many = (measure("/support/inquiries/"), measure(f"/support/inquiries/{one.pk}/"))
    assert few == many
    assert many[0] <= 3 and many[1] <= 4
    assert more.pk


def test_s24_the_thread_shows_our_answers_but_not_which_staff(seeker, seeker_client, staff):
    inquiry = b.inquiry_for(seeker, body="My <b>CV</b> is missing")
    services.answer_inquiry(inquiry=inquiry, staff=staff, body="Found it:\nsee your list.")
    html = seeker_client.get(f"/support/inquiries/{inquiry.pk}/").content.decode()
    assert "My &lt;b&gt;CV&lt;/b&gt; is missing" in html  # escaped, never markup
    assert "Found it:\nsee your list." in html
    assert "Job Letters support" in html
    assert staff.email not in html and staff.name not in html


def test_s24_another_persons_thread_is_a_404(seeker, other_seeker_client, other_seeker):
    inquiry = b.inquiry_for(seeker, subject="Private matter")
    for method in ("get", "post"):
        response = getattr(other_seeker_client, method)(
            f"/support/inquiries/{inquiry.pk}/", {"body": "hijack"}
        )
        assert response.status_code == 404
    assert "Private matter" not in other_seeker_client.get("/support/inquiries/").content.decode()
    assert inquiry.messages.count() == 1
    for missing in ("999999", "9" * 30):  # an id out of the database's range too
        assert other_seeker_client.get(f"/support/inquiries/{missing}/").status_code == 404


def test_s24_a_visitors_thread_is_not_anyones_until_linked(seeker_client):
    visitor = Inquiry.objects.create(email="someone@example.com", subject="Anonymous")
    assert seeker_client.get(f"/support/inquiries/{visitor.pk}/").status_code == 404


def test_s24_threads_need_signing_in(client, seeker):
    inquiry = b.inquiry_for(seeker)
    for path in ("/support/inquiries/", f"/support/inquiries/{inquiry.pk}/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_s24_a_reply_opens_the_thread_again_and_tells_staff(seeker, seeker_client, staff):
    inquiry = b.inquiry_for(seeker)
    services.answer_inquiry(inquiry=inquiry, staff=staff, body="Done.", close=True)
    assert Inquiry.objects.get().state == "closed"
    response = seeker_client.post(
        f"/support/inquiries/{inquiry.pk}/", {"body": "Not quite, sorry."}
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.state == "open" and inquiry.closed_at is None
    assert [m.body for m in inquiry.messages.all()] == ["Hello", "Done.", "Not quite, sorry."]
    mail.outbox.clear()
    run_outbox()
    assert any(m.to == ["support@jobletters.example"] for m in mail.outbox)


def test_s24_an_empty_reply_gets_a_message(seeker, seeker_client):
    inquiry = b.inquiry_for(seeker)
    response = seeker_client.post(f"/support/inquiries/{inquiry.pk}/", {"body": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert inquiry.messages.count() == 1


def test_s24_replies_are_rate_limited(seeker, seeker_client, settings):
    settings.SUPPORT_RATE_LIMITS = {"inquiry": "10/h/ip", "reply": "2/h/user"}
    inquiry = b.inquiry_for(seeker)
    for n in range(2):
        seeker_client.post(f"/support/inquiries/{inquiry.pk}/", {"body": f"Reply {n}"})
    response = seeker_client.post(f"/support/inquiries/{inquiry.pk}/", {"body": "One more"})
    assert response.status_code == 429
    assert inquiry.messages.count() == 3


def test_s24_linked_from_the_account_pages(seeker_client):
    for page in ("/accounts/settings/", "/dashboard/"):
        html = seeker_client.get(page).content.decode()
        assert 'href="/support/inquiries/"' in html and 'href="/support/"' in html


def test_s24_a_visitor_writing_from_an_address_confirmed_on_an_account_finds_it_there(
    client, seeker, seeker_client
):
    b.write(client, email=seeker.email.upper(), body="Written before signing in")
    inquiry = Inquiry.objects.get()
    assert inquiry.person == seeker and not inquiry.signed_in
    html = seeker_client.get(f"/support/inquiries/{inquiry.pk}/").content.decode()
    assert "without signing in" in html and "Written before signing in" in html


def test_s24_an_unconfirmed_address_links_nothing(client):
    from ..factories import UserFactory

    owner = UserFactory(email="pending@example.com", verified=False)
    b.write(client, email="pending@example.com")
    assert Inquiry.objects.get().person is None
    assert owner.pk
