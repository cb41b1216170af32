"""§8 announcements: written, previewed and tested by staff in the admin, then sent in
batches to everyone who wants them, once each, with progress and counts for staff."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communications import announcements
from communications.categories import Category
from communications.models import Announcement
from jobletters import outbox
from jobletters.lib import emails, mailing
from jobletters.models import OutboxEntry
from privacy.rights.deletion import request_deletion

from . import builders as b

pytestmark = pytest.mark.django_db

ADMIN = "/admin/communications/announcement/"


def _everyone(n: int = 7) -> list:
    return [b.person(f"reader{i}@example.com") for i in range(n)]


def _sent_to(subject: str = "Planned maintenance on Sunday") -> list[str]:
    """Who received the announcement itself (not its test, not other emails)."""
    return sorted(address for m in mail.outbox if m.subject == subject for address in m.to)


def test_staff_write_preview_test_and_send_an_announcement(admin_client, staff_with_mfa):
    readers = _everyone(3)
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "category": "announcements",
            "subject": "New: send to 50 recruiters",
            "body_format": "text",
            "body": "You can now choose up to 50 recruiters.\n\nDetails: https://example.com/news",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    announcement = Announcement.objects.get()
    assert announcement.created_by == staff_with_mfa and announcement.state == "draft"
    change = f"{ADMIN}{announcement.pk}/change/"

    page = admin_client.get(change).content.decode()
    assert "Preview" in page and f"Send a test to me ({staff_with_mfa.email})" in page

    preview = admin_client.get(f"{ADMIN}{announcement.pk}/preview/").content.decode()
    assert "New: send to 50 recruiters" in preview
    assert '<a href="https://example.com/news" rel="noopener noreferrer">' in preview
    assert "4 people would receive it" in preview  # the readers and the member of staff

    # Sending before a test of this version is refused.
    refused = admin_client.post(f"{ADMIN}{announcement.pk}/send/", follow=True)
    assert "Send yourself a test of this version first" in refused.content.decode()
    assert Announcement.objects.get().state == "draft"

    admin_client.post(f"{ADMIN}{announcement.pk}/test/")
    outbox.run_due()
    [test] = mail.outbox
    assert test.to == [staff_with_mfa.email]
    assert test.subject == "[Test] New: send to 50 recruiters"
    assert "This is a test" in test.body
    assert test.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    confirm = admin_client.get(f"{ADMIN}{announcement.pk}/send/").content.decode()
    assert "Send to 4 people" in confirm
    admin_client.post(f"{ADMIN}{announcement.pk}/send/")
    assert Announcement.objects.get().state == "sending"
    mail.outbox.clear()
    outbox.run_due()

    announcement.refresh_from_db()
    assert announcement.state == "sent"
    subject = "New: send to 50 recruiters"
    assert _sent_to(subject) == sorted([staff_with_mfa.email] + [r.email for r in readers])
    assert (announcement.queued_count, announcement.sent_count) == (4, 4)
    page = admin_client.get(change).content.decode()
    assert "4 queued: 4 sent, 0 skipped" in page
    assert "Send a test to me" not in page  # read-only once sent
    listing = admin_client.get(ADMIN).content.decode()
    assert "4 queued: 4 sent" in listing


def test_an_edit_after_the_test_needs_a_new_test(admin_client, staff_with_mfa):
    announcement = b.announcement()
    admin_client.post(f"{ADMIN}{announcement.pk}/test/")
    admin_client.post(
        f"{ADMIN}{announcement.pk}/change/",
        {"category": "announcements", "subject": "Changed", "body_format": "text", "body": "New"},
    )
    response = admin_client.post(f"{ADMIN}{announcement.pk}/send/", follow=True)
    assert "Send yourself a test of this version first" in response.content.decode()
    assert Announcement.objects.get().state == "draft"


def test_a_sent_announcement_cannot_change(admin_client, staff_with_mfa):
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff_with_mfa)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff_with_mfa)
    admin_client.post(
        f"{ADMIN}{announcement.pk}/change/",
        {"category": "marketing", "subject": "Changed", "body_format": "text", "body": "New"},
    )
    announcement.refresh_from_db()
    assert announcement.subject == "Planned maintenance on Sunday"
    assert announcement.category == "announcements"
    with pytest.raises(announcements.AnnouncementError):
        announcements.start_sending(announcement=announcement, staff=staff_with_mfa)
    assert admin_client.post(f"{ADMIN}{announcement.pk}/delete/").status_code == 403


def test_batches_respect_choices_frozen_accounts_and_unconfirmed_addresses(staff, settings):
    settings.MAILING_BATCH_SIZE = 2
    readers = _everyone(5)
    said_no = b.person("no@example.com")
    b.choose(said_no, Category.ANNOUNCEMENTS, False)
    frozen = b.person("frozen@example.com")
    request_deletion(user=frozen)
    b.person("unconfirmed@example.com", verified=False)
    b.person("inactive@example.com", is_active=False)
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    mail.outbox.clear()

    outbox.run_due()

    assert _sent_to() == sorted([staff.email] + [r.email for r in readers])
    announcement.refresh_from_db()
    assert announcement.batches == 4  # 6 people by 2, then the empty batch that ends it
    assert announcement.state == "sent" and announcement.sent_count == 6


def test_marketing_goes_only_to_people_who_opted_in(staff):
    yes, _no_choice = b.person("yes@example.com"), b.person("silent@example.com")
    b.choose(yes, Category.MARKETING, True)
    b.choose(staff, Category.MARKETING, True)
    announcement = b.announcement(category="marketing", subject="Tips for your CV")
    announcements.send_test(announcement=announcement, staff=staff)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    mail.outbox.clear()
    outbox.run_due()
    assert _sent_to("Tips for your CV") == sorted([staff.email, yes.email])
    for message in mail.outbox:
        assert "marketing." in message.extra_headers["List-Id"]


def test_a_test_is_refused_when_staff_said_no_to_the_category(admin_client, staff_with_mfa):
    announcement = b.announcement(category="marketing")
    response = admin_client.post(f"{ADMIN}{announcement.pk}/test/", follow=True)
    assert "No test sent: your own email preferences say no" in response.content.decode()
    assert Announcement.objects.get().test_sent_at is None


def test_someone_who_unsubscribes_mid_send_is_skipped_and_counted(staff, settings):
    settings.MAILING_BATCH_SIZE = 100
    readers = _everyone(3)
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff)
    outbox.run_due()
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    outbox.run_due(kinds=[mailing.BATCH])  # queued, not sent yet
    sending = Announcement.objects.get()
    assert (sending.queued_count, sending.waiting, sending.sent_count) == (4, 4, 0)

    b.choose(readers[0], Category.ANNOUNCEMENTS, False)
    request_deletion(user=readers[1])
    mail.outbox.clear()
    outbox.run_due()

    announcement.refresh_from_db()
    assert announcement.state == "sent"
    assert (announcement.sent_count, announcement.skipped_count) == (2, 2)
    assert _sent_to() == sorted([staff.email, readers[2].email])


def test_someone_erased_before_their_email_left_is_counted_as_skipped(staff, settings):
    from privacy.rights.erasure import erase_person

    settings.MAILING_BATCH_SIZE = 100
    readers = _everyone(2)
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff)
    outbox.run_due()
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    outbox.run_due(kinds=[mailing.BATCH])  # queued, not sent yet

    erase_person(readers[0].pk, final_email=False)
    assert not OutboxEntry.objects.filter(person_id=readers[0].pk).exists()
    outbox.run_due()

    announcement.refresh_from_db()
    assert announcement.state == "sent"
    assert (announcement.sent_count, announcement.skipped_count) == (2, 1)


def test_each_email_counts_once_however_often_it_was_tried(staff, monkeypatch):
    refused, slow = _everyone(2)
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff)
    outbox.run_due()
    real, tries = emails.deliver, []

    def deliver(message, *, kind):
        tries.append(message.to[0])
        if message.to == [refused.email]:
            raise smtplib.SMTPRecipientsRefused({refused.email: (550, b"No such user")})
        if message.to == [slow.email] and tries.count(slow.email) == 1:
            raise ConnectionError("the SMTP server is down")
        return real(message, kind=kind)

    monkeypatch.setattr(emails, "deliver", deliver)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    outbox.run_due()
    assert Announcement.objects.get().waiting == 1  # the slow one waits for its retry
    outbox.run_due(now=timezone.now() + timedelta(hours=2))

    announcement.refresh_from_db()
    assert announcement.state == "sent"
    counts = ("queued_count", "sent_count", "skipped_count", "failed_count")
    assert [getattr(announcement, c) for c in counts] == [3, 2, 0, 1]

    # Staff retry the refused one, which leaves this time: sent, no longer failed.
    monkeypatch.setattr(emails, "deliver", real)
    outbox.retry_now(OutboxEntry.objects.filter(state="failed").values_list("pk", flat=True))
    assert Announcement.objects.get().failed_count == 0
    outbox.run_due()
    announcement.refresh_from_db()
    assert [getattr(announcement, c) for c in counts] == [3, 3, 0, 0]


def test_a_batch_run_again_queues_nobody_twice(staff, settings):
    """A worker that dies after a batch committed runs it again: nothing changes."""
    settings.MAILING_BATCH_SIZE = 2
    _everyone(3)
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)

    assert mailing.queue_batch(name="announcement", mailing_id=announcement.pk, after=0) == 2
    assert mailing.queue_batch(name="announcement", mailing_id=announcement.pk, after=0) == 0
    announcement.refresh_from_db()
    assert announcement.queued_count == 2 and announcement.batches == 1
    # Even without the cursor, the keys keep one email per person.
    Announcement.objects.filter(pk=announcement.pk).update(cursor=0)
    mailing.queue_batch(name="announcement", mailing_id=announcement.pk, after=0)
    mail.outbox.clear()
    outbox.run_due()
    per_person = OutboxEntry.objects.filter(key__startswith=f"announcement:{announcement.pk}:")
    assert per_person.count() == 4
    assert len(_sent_to()) == len(set(_sent_to())) == 4


def test_the_body_is_sanitised_and_has_a_plain_text_version(staff):
    announcement = b.announcement(
        body_format="markup",
        body='<p>Read <a href="https://example.com/x" onclick="steal()">the news</a></p>'
        "<script>alert(1)</script><img src=x onerror=alert(2)>\n\n"
        "<ul><li>One</li><li>Two &amp; three</li></ul>",
    )
    content = announcements.render_content(announcement)
    assert "<script" not in content.html and "onclick" not in content.html
    assert "<img" not in content.html and "onerror" not in content.html
    assert '<a href="https://example.com/x" rel="noopener noreferrer">the news</a>' in content.html
    assert "Read the news (https://example.com/x)" in content.text
    assert "- One" in content.text and "- Two & three" in content.text
    assert "<" not in content.text

    plain = announcements.render_content(
        b.announcement(body="Hello <b>not bold</b>\nline two\n\nhttps://example.com")
    )
    assert "&lt;b&gt;not bold&lt;/b&gt;<br>" in plain.html
    assert 'href="https://example.com"' in plain.html
    assert plain.text == "Hello <b>not bold</b>\nline two\n\nhttps://example.com"


def test_the_email_greets_the_person_and_carries_their_own_link(staff):
    reader = b.person("reader@example.com", name="Rosa Reader")
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    mail.outbox.clear()
    outbox.run_due()
    [message] = [m for m in mail.outbox if m.to == [reader.email] and "[Test]" not in m.subject]
    assert message.body.startswith("Hello Rosa Reader,")
    path = re.search(r"/email/unsubscribe/[^/\s]+/", message.extra_headers["List-Unsubscribe"])
    assert path.group(0) in message.body
    html = message.alternatives[0][0]
    assert path.group(0) in html


def test_progress_is_shown_while_sending(admin_client, staff_with_mfa):
    _everyone(2)
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff_with_mfa)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff_with_mfa)
    outbox.run_due(kinds=[mailing.BATCH])
    page = admin_client.get(f"{ADMIN}{announcement.pk}/change/").content.decode()
    assert "3 queued: 0 sent, 0 skipped (unsubscribed or frozen meanwhile), 0 failed" in page
    assert "3 waiting" in page
    assert Announcement.objects.get().started_at <= timezone.now()
