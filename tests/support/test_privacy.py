"""§2.4 / §5 / §7: inquiries are in the person's export, gone after their erasure (staff
answers in other threads stay without the staff member), and deleted after closing."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from jobletters import outbox
from privacy.models import ExportRequest
from privacy.rights.erasure import erase_person
from privacy.tasks import apply_retention
from support import services
from support.models import Inquiry, InquiryMessage

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


def test_s7_inquiries_and_messages_are_in_the_export_only_for_their_person(
    seeker, seeker_client, other_seeker, staff
):
    mine = b.inquiry_for(seeker, subject="My billing question", body="Was I charged twice?")
    services.answer_inquiry(inquiry=mine, staff=staff, body="No, once.")
    Inquiry.objects.create(email=seeker.email.upper(), subject="Written as a visitor")
    b.inquiry_for(other_seeker, subject="Someone else's question", body="Not yours")

    documents = _export(seeker_client)
    inquiries = documents["data/2-4-your-support-inquiries.json"]
    messages = documents["data/2-4-messages-in-your-support-inquiries.json"]
    assert inquiries["policy_section"].startswith("§2.4")
    assert sorted(r["subject"] for r in inquiries["records"]) == [
        "My billing question",
        "Written as a visitor",
    ]
    assert sorted(r["body"] for r in messages["records"]) == ["No, once.", "Was I charged twice?"]
    blob = json.dumps(documents)
    assert "Someone else's question" not in blob and "Not yours" not in blob
    assert staff.email not in blob  # who answered is not the person's data


def test_s5_erasure_removes_the_persons_inquiries_and_keeps_staff_answers_elsewhere(
    seeker, other_seeker, staff
):
    mine = b.inquiry_for(seeker, body=f"I am {seeker.name}")
    services.answer_inquiry(inquiry=mine, staff=staff, body="Hello")
    Inquiry.objects.create(email=seeker.email, subject="Unlinked visitor inquiry")
    theirs = b.inquiry_for(other_seeker)
    services.answer_inquiry(inquiry=theirs, staff=staff, body="Answered by staff")

    erase_person(seeker.pk)
    outbox.run_due()

    assert rows_referring_to(seeker.pk, [seeker.email, seeker.name]) == []
    assert not Inquiry.objects.filter(email__iexact=seeker.email).exists()
    assert Inquiry.objects.filter(pk=theirs.pk).exists()

    # A member of staff erased: their answers stay in others' threads, without them.
    erase_person(staff.pk)
    answer = InquiryMessage.objects.get(inquiry=theirs, from_staff=True)
    assert answer.staff is None and answer.body == "Answered by staff"
    assert Inquiry.objects.get(pk=theirs.pk).person == other_seeker


def test_s5_closed_inquiries_are_deleted_after_the_retention_period(seeker):
    now = timezone.now()
    old = b.inquiry_for(seeker, subject="old")
    Inquiry.objects.filter(pk=old.pk).update(state="closed", closed_at=now - timedelta(days=366))
    recent = b.inquiry_for(seeker, subject="recent")
    Inquiry.objects.filter(pk=recent.pk).update(state="closed", closed_at=now - timedelta(days=30))
    open_one = b.inquiry_for(seeker, subject="open")
    Inquiry.objects.filter(pk=open_one.pk).update(last_message_at=now - timedelta(days=900))

    counts = apply_retention(now=now)

    assert set(Inquiry.objects.values_list("subject", flat=True)) == {"recent", "open"}
    assert not InquiryMessage.objects.filter(inquiry_id=old.pk).exists()
    # One rule for inquiries and their messages: the inquiry and its message, counted once.
    labels = ("Your support inquiries", "Messages in your support inquiries")
    assert sum(counts.get(label, 0) for label in labels) == 2


def test_s5_answered_inquiries_left_quiet_close_then_go(seeker, staff):
    inquiry = b.inquiry_for(seeker)
    services.answer_inquiry(inquiry=inquiry, staff=staff, body="Done")
    later = timezone.now() + timedelta(days=31)
    apply_retention(now=later)
    inquiry.refresh_from_db()
    assert inquiry.state == "closed" and inquiry.closed_at == later
    apply_retention(now=later + timedelta(days=366))
    assert not Inquiry.objects.filter(pk=inquiry.pk).exists()


def test_s5_the_inventory_says_how_long_inquiries_are_kept(client):
    html = client.get("/privacy/data/").content.decode()
    assert "Your support inquiries" in html
    assert "Deleted 1 year (365 days) after the inquiry is closed." in html
