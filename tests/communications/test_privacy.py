"""§7 / §5: email choices are in the person's export and go with their erasure; the
announcements a member of staff wrote stay, without them; queued emails are erased."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage

from communications import announcements
from communications.categories import Category
from communications.models import Announcement
from jobletters import outbox
from jobletters.lib import mailing
from jobletters.models import OutboxEntry
from privacy.models import Consent, ExportRequest
from privacy.rights.erasure import erase_person

from ..privacy.walk import rows_referring_to
from . import builders as b

pytestmark = pytest.mark.django_db


def _export(client) -> dict[str, dict]:
    assert client.post("/privacy/export/").status_code == 302
    outbox.run_due()
    export = ExportRequest.objects.order_by("-pk").first()
    assert export.state == "ready", export.error
    with default_storage.open(export.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = [name for name in archive.namelist() if name.endswith(".json")]
    return {name: json.loads(archive.read(name)) for name in names}


def _consents(documents: dict) -> list[dict]:
    [name] = [n for n in documents if "consents" in n]
    return documents[name]["records"]


def test_s7_email_choices_are_in_the_export_with_the_words_shown(seeker, seeker_client):
    seeker_client.post("/email/preferences/", {"marketing": "on"})
    records = [r for r in _consents(_export(seeker_client)) if r["purpose"].startswith("email")]
    assert sorted((r["purpose"], r["granted"]) for r in records) == [
        ("email_announcements", False),
        ("email_marketing", True),
    ]
    [marketing] = [r for r in records if r["purpose"] == "email_marketing"]
    assert Category.MARKETING.description in marketing["text"]


def test_s7_announcements_staff_wrote_are_in_their_export(staff, client):
    announcement = b.announcement(subject="Staff wrote this")
    announcements.save_announcement(announcement=announcement, staff=staff)
    client.force_login(staff)
    documents = _export(client)
    [name] = [n for n in documents if "announcements-by-email" in n]
    acted = json.dumps(documents[name])
    assert "Staff wrote this" in acted


def test_s5_erasure_forgets_choices_and_waiting_emails(seeker, staff):
    b.choose(seeker, Category.MARKETING, True)
    announcement = b.announcement()
    announcements.send_test(announcement=announcement, staff=staff)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    outbox.run_due(kinds=[mailing.BATCH])  # the seeker's email waits, unsent
    assert OutboxEntry.objects.filter(person=seeker).exists()

    erase_person(seeker.pk)
    outbox.run_due()  # the last email, telling them it is done, leaves and is wiped

    assert not Consent.objects.filter(person_id=seeker.pk).exists()
    assert not OutboxEntry.objects.filter(key=f"{announcement.key_prefix}{seeker.pk}").exists()
    assert rows_referring_to(seeker.pk, [seeker.email, seeker.name]) == []


def test_s5_an_erased_member_of_staff_leaves_the_announcement_without_them(staff):
    announcement = b.announcement()
    announcements.save_announcement(announcement=announcement, staff=staff)
    announcements.send_test(announcement=announcement, staff=staff)
    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    outbox.run_due()

    erase_person(staff.pk)

    announcement.refresh_from_db()
    assert announcement.created_by is None and announcement.sent_by is None
    assert announcement.subject == "Planned maintenance on Sunday"
    assert announcement.state == "sent"
