"""§3.3 Others working for Job Letters and §6 Location: the processors we use, where,
under which safeguards; people and visitors (double opt-in) are emailed once about
every change."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobletters import outbox
from jobletters.lib import mailing
from jobletters.lib.emails import EMAIL_KIND
from jobletters.models import OutboxEntry
from privacy.documents import processors
from privacy.models import ChangeNotice, ProcessorChange, ProcessorSubscription, Subprocessor
from privacy.rights.erasure import erase_person

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/privacy/subprocessor/"
CONFIRM = re.compile(r"http://[^/\s]+(/privacy/subprocessors/confirm/[^/\s]+/)")
UNSUBSCRIBE = re.compile(r"http://[^/\s]+(/privacy/subprocessors/unsubscribe/[^/\s]+/)")


def _later(settings) -> timezone.datetime:
    """After the changes are gathered: when the notice goes out."""
    return timezone.now() + timedelta(seconds=settings.PRIVACY_PROCESSOR_NOTICE_DELAY_SECONDS + 1)


def _notice_emails() -> list:
    return [m for m in mail.outbox if "process data for us" in m.subject]


def _form(**values) -> dict:
    data = {
        "name": "Postmark (ActiveCampaign, LLC)",
        "purpose": "Email delivery.",
        "data_categories": ["2.1", "2.4"],
        "country": "US",
        "safeguards": "Data Processing Addendum with the EU Standard Contractual Clauses.",
        "website": "https://postmarkapp.com/eu-privacy",
        "since": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "until": "",
    }
    data.update(values)
    return data


# --- The list -----------------------------------------------------------------------------------


def test_s3_3_the_processors_we_use_are_listed_with_country_and_safeguards(client):
    page = client.get("/privacy/subprocessors/")
    assert page.status_code == 200
    content = page.content.decode()
    for name in ("Amazon Web Services", "Amazon S3", "Amazon SES", "Stripe, Inc."):
        assert name in content
    assert "United States of America" in content
    assert "Standard Contractual Clauses" in content
    assert "§2.3 Payment information" in content
    assert 'href="/privacy/subprocessors/subscribe/"' in content


def test_s3_3_current_planned_and_former_processors(client):
    today = timezone.localdate()
    Subprocessor.objects.create(
        name="Future Co", purpose="p", data_categories=["2.1"], country="IE", safeguards="s",
        since=today + timedelta(days=30),
    )  # fmt: skip
    Subprocessor.objects.create(
        name="Old Co", purpose="p", data_categories=["2.1"], country="DE", safeguards="s",
        since=date(2026, 1, 1), until=today - timedelta(days=1),
    )  # fmt: skip
    listing = processors.listing(today)
    assert [p.name for p in listing.planned] == ["Future Co"]
    assert [p.name for p in listing.former] == ["Old Co"]
    assert "Future Co" not in [p.name for p in listing.current]
    content = client.get("/privacy/subprocessors/").content.decode()
    assert content.index("Starting soon") < content.index("Future Co")
    assert content.index("No longer used") < content.index("Old Co")


def test_s3_3_the_list_is_fast_and_cacheable_for_visitors(client):
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/privacy/subprocessors/")
    assert len(queries) == 1
    assert "public" in first["Cache-Control"] and "Cookie" in first["Vary"] and not first.cookies
    for n in range(20):
        Subprocessor.objects.create(
            name=f"Co {n}", purpose="p", data_categories=["2.1"], country="FR", safeguards="s",
            since=date(2026, 1, 1),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/privacy/subprocessors/")
    assert len(queries) == 1  # more processors: still one query
    assert b"Co 19" in again.content and again["ETag"] != first["ETag"]
    unchanged = client.get("/privacy/subprocessors/", headers={"if-none-match": again["ETag"]})
    assert unchanged.status_code == 304


# --- Staff change the list; subscribers hear once ------------------------------------------------


def test_s3_3_staff_add_change_and_remove_processors_and_subscribers_hear_once(
    admin_client, staff_with_mfa, seeker, settings
):
    processors.subscribe_person(person=seeker)
    visitor = processors.confirm_visitor_subscription(email="visitor@example.org")

    response = admin_client.post(f"{ADMIN}add/", _form())
    assert response.status_code == 302, response.content.decode()[:3000]
    postmark = Subprocessor.objects.get(name__startswith="Postmark")
    # A correction a minute later joins the same email.
    response = admin_client.post(f"{ADMIN}{postmark.pk}/change/", _form(country="IE"))
    assert response.status_code == 302
    # Saving without a change people see records nothing.
    admin_client.post(f"{ADMIN}{postmark.pk}/change/", _form(country="IE"))

    changes = list(ProcessorChange.objects.order_by("pk"))
    assert [c.kind for c in changes] == ["added", "changed"]
    assert "Country where the data is processed: United States of America → Ireland" in (
        changes[1].summary
    )
    assert changes[0].changed_by == staff_with_mfa
    assert changes[0].notice_id == changes[1].notice_id
    notice = changes[0].notice
    assert notice.state == "collecting"

    outbox.run_due()  # too early: gathered for a while
    assert _notice_emails() == []
    outbox.run_due(now=_later(settings))
    outbox.run_due(now=_later(settings))
    emails = _notice_emails()
    assert sorted(m.to[0] for m in emails) == sorted([seeker.email, "visitor@example.org"])
    body = emails[0].body
    assert "Added: Postmark" in body and "Changed: Postmark" in body and "Ireland" in body
    assert "/privacy/subprocessors/unsubscribe/" in body
    notice.refresh_from_db()
    assert notice.state == "sent" and notice.sent_count == 2

    # A batch run again (a redelivered task) sends nothing more.
    mailing.queue_batch(name="privacy-notice", mailing_id=notice.pk, after=0)
    outbox.run_due(now=_later(settings))
    assert len(_notice_emails()) == 2

    # Removing one is a new change, in a new email.
    mail.outbox.clear()
    until = (timezone.localdate() + timedelta(days=60)).isoformat()
    admin_client.post(f"{ADMIN}{postmark.pk}/change/", _form(country="IE", until=until))
    removal = ProcessorChange.objects.latest("pk")
    assert removal.kind == "removed" and "stops processing our data on" in removal.summary
    assert removal.notice_id != notice.pk
    outbox.run_due(now=_later(settings))
    outbox.run_due(now=_later(settings))
    assert len(_notice_emails()) == 2 and "Removed: Postmark" in _notice_emails()[0].body
    assert visitor.pk


def test_s3_3_processors_are_never_deleted_only_ended(admin_client):
    processor = Subprocessor.objects.first()
    assert admin_client.post(f"{ADMIN}{processor.pk}/delete/").status_code == 403
    response = admin_client.post(f"{ADMIN}add/", _form(since="2026-05-01", until="2026-04-01"))
    assert "cannot end before it starts" in response.content.decode()


def test_s3_3_the_seeded_processors_can_be_edited(admin_client):
    stripe = Subprocessor.objects.get(name="Stripe, Inc.")
    page = admin_client.get(f"{ADMIN}{stripe.pk}/change/")
    assert page.status_code == 200 and b"PCI DSS" in page.content


# --- Subscribing -----------------------------------------------------------------------------


def test_s3_3_a_visitor_subscribes_by_confirming_their_address(client):
    page = client.get("/privacy/subprocessors/subscribe/")
    assert page.status_code == 200 and b'name="email"' in page.content
    response = client.post("/privacy/subprocessors/subscribe/", {"email": "ann@example.org"})
    assert response.status_code == 302
    assert not ProcessorSubscription.objects.exists()  # nothing stored before confirming
    outbox.run_due()
    [message] = [m for m in mail.outbox if "confirm your address" in m.subject]
    assert message.to == ["ann@example.org"]
    link = CONFIRM.search(message.body).group(1)

    # Opening the link (or a mail scanner doing so) changes nothing.
    with CaptureQueriesContext(connection) as queries:
        page = client.get(link)
    assert page.status_code == 200 and b"ann@example.org" in page.content
    writes = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert writes == [] and not ProcessorSubscription.objects.exists()

    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 200  # twice: still one
    [subscription] = ProcessorSubscription.objects.all()
    assert subscription.email == "ann@example.org" and subscription.person is None


def test_s3_3_a_changed_or_old_confirmation_link_does_nothing(client):
    from django.core import signing

    assert client.get("/privacy/subprocessors/confirm/nonsense/").status_code == 404
    old = signing.dumps({"email": "ann@example.org"}, salt=processors.CONFIRM_SALT)
    assert processors.read_confirm_token(old) == "ann@example.org"
    from unittest import mock

    with mock.patch("time.time", return_value=timezone.now().timestamp() + 8 * 86400):
        assert processors.read_confirm_token(old) is None
    assert client.post("/privacy/subprocessors/confirm/x:y:z/").status_code == 404
    assert not ProcessorSubscription.objects.exists()


def test_s3_3_one_confirmation_email_a_day_per_address(client):
    for _ in range(3):
        client.post("/privacy/subprocessors/subscribe/", {"email": "ann@example.org"})
    assert OutboxEntry.objects.filter(key__startswith="processor-subscribe:").count() == 1


def test_s3_3_visitors_are_rate_limited_per_address(client, settings):
    settings.PRIVACY_RATE_LIMITS = {"subscribe": "2/h/ip"}
    for n in range(2):
        client.post("/privacy/subprocessors/subscribe/", {"email": f"a{n}@example.org"})
    response = client.post("/privacy/subprocessors/subscribe/", {"email": "a3@example.org"})
    assert response.status_code == 429 and b"Too many requests" in response.content


def test_s3_3_bad_addresses_get_a_message(client):
    response = client.post("/privacy/subprocessors/subscribe/", {"email": "not an address"})
    assert response.status_code == 200 and b"valid email address" in response.content
    assert not OutboxEntry.objects.filter(kind=EMAIL_KIND).exists()


def test_s3_3_signed_in_people_subscribe_with_one_click(seeker, seeker_client):
    page = seeker_client.get("/privacy/subprocessors/subscribe/").content.decode()
    assert "Email me about changes" in page and seeker.email in page
    seeker_client.post("/privacy/subprocessors/subscribe/", {"action": "subscribe"})
    seeker_client.post("/privacy/subprocessors/subscribe/", {"action": "subscribe"})
    [subscription] = ProcessorSubscription.objects.all()
    assert subscription.person == seeker and subscription.email == ""
    assert (
        "Stop these emails"
        in seeker_client.get("/privacy/subprocessors/subscribe/").content.decode()
    )
    seeker_client.post("/privacy/subprocessors/subscribe/", {"action": "unsubscribe"})
    assert not ProcessorSubscription.objects.exists()


def test_s3_3_every_notice_unsubscribes_at_once(settings, seeker, client):
    subscription = processors.subscribe_person(person=seeker)
    processor = Subprocessor.objects.first()
    processor.safeguards = "New contract."
    processors.save_processor(processor=processor, staff=None)
    outbox.run_due(now=_later(settings))
    outbox.run_due(now=_later(settings))
    [message] = _notice_emails()
    link = UNSUBSCRIBE.search(message.body).group(1)
    assert link in message.alternatives[0][0]  # the HTML part has it too
    page = client.get(link)
    assert page.status_code == 200 and seeker.email.encode() in page.content
    assert ProcessorSubscription.objects.filter(pk=subscription.pk).exists()  # GET asks only
    assert client.post(link).status_code == 200
    assert not ProcessorSubscription.objects.exists()
    assert client.get(link).status_code == 404  # a used link is not recognised


def test_s3_3_inactive_people_are_not_emailed(settings):
    person = UserFactory(email="idle@example.com", is_active=False)
    processors.subscribe_person(person=person)
    processor = Subprocessor.objects.first()
    processor.purpose = "More."
    processors.save_processor(processor=processor, staff=None)
    outbox.run_due(now=_later(settings))
    outbox.run_due(now=_later(settings))
    assert _notice_emails() == []
    assert ChangeNotice.objects.get().state == "sent"


def test_s3_3_erasure_removes_the_subscriptions_made_from_their_address(seeker, stripe_double):
    processors.subscribe_person(person=seeker)
    processors.confirm_visitor_subscription(email=seeker.email.upper())
    processors.confirm_visitor_subscription(email="someone.else@example.org")
    erase_person(seeker.pk)
    assert list(ProcessorSubscription.objects.values_list("email", flat=True)) == [
        "someone.else@example.org"
    ]


def test_s3_3_erasing_a_member_of_staff_keeps_the_history(stripe_double):
    officer = UserFactory(email="officer@example.com", is_staff=True)
    processor = Subprocessor.objects.first()
    processor.purpose = "Changed."
    change = processors.save_processor(processor=processor, staff=officer)
    erase_person(officer.pk)
    change.refresh_from_db()
    assert change.changed_by is None and change.summary
