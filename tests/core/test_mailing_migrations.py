"""Announcements and notices being sent when the shared mailer arrives go on from where
they were: their waiting work moves to the mailer's kinds and their counts so far are
kept on the row (before, they were read from the outbox until the end)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("jobletters", "0001_initial"),
    ("communications", "0001_initial"),
    ("privacy", "0009_processor_subscription_language"),
]


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_mailings_being_sent_move_to_the_mailer_with_their_counts():
    old = _migrate(BEFORE)
    try:
        Announcement = old.get_model("communications", "Announcement")
        ChangeNotice = old.get_model("privacy", "ChangeNotice")
        Entry = old.get_model("jobletters", "OutboxEntry")
        now = timezone.now()
        queuing = Announcement.objects.create(subject="a", body="b", state="sending", cursor=3)
        ended = Announcement.objects.create(
            subject="c", body="d", state="sending", queued_count=1, queued_at=now
        )
        notice = ChangeNotice.objects.create(kind="processors", state="sending", queued_count=2)

        def entry(kind, key, state="pending", **payload):
            return Entry.objects.create(kind=kind, key=key, state=state, payload=payload)

        chosen = {"category": "announcements", "person_id": 1}
        entry("emails.send", f"announcement:{queuing.pk}:1", "done", outcome="skipped", **chosen)
        entry("emails.send", f"announcement:{queuing.pk}:2", "done", **chosen)
        waiting = entry("emails.send", f"announcement:{queuing.pk}:3", **chosen)
        entry("emails.send", f"announcement:{ended.pk}:1", "failed", **chosen)
        batch = entry(
            "communications.announcement_batch",
            f"announcement-batch:{queuing.pk}:3",
            announcement_id=queuing.pk,
            after=3,
        )
        entry("communications.announcement_finish", f"announcement-finish:{ended.pk}")
        entry("emails.send", f"privacy-notice:{notice.pk}:1", "done")
        notice_batch = entry(
            "privacy.notice_batch",
            f"privacy-notice-batch:{notice.pk}:1",
            notice_id=notice.pk,
            after=1,
        )
        entry("privacy.notice_finish", f"privacy-notice-finish:{notice.pk}")
        account_email = entry("emails.send", "export-ready:1")
    finally:
        new = _migrate()

    Announcement = new.get_model("communications", "Announcement")
    ChangeNotice = new.get_model("privacy", "ChangeNotice")
    Entry = new.get_model("jobletters", "OutboxEntry")
    counts = ("state", "sent_count", "skipped_count", "failed_count")
    assert Announcement.objects.values_list(*counts).get(pk=queuing.pk) == ("sending", 1, 1, 0)
    assert Announcement.objects.values_list(*counts).get(pk=ended.pk) == ("sent", 0, 0, 1)
    assert ChangeNotice.objects.values_list(*counts).get(pk=notice.pk) == ("sending", 1, 0, 0)
    # Emails people chose are asked about again before they leave; account emails are not.
    assert Entry.objects.get(pk=waiting.pk).kind == "communications.send_email"
    assert Entry.objects.get(pk=account_email.pk).kind == "emails.send"
    assert Entry.objects.values_list("kind", "queue", "payload").get(pk=batch.pk) == (
        "mailing.batch",
        "default",
        {"mailing": "announcement", "id": queuing.pk, "after": 3},
    )
    assert Entry.objects.get(pk=notice_batch.pk).payload["mailing"] == "privacy-notice"
    assert not Entry.objects.filter(kind__endswith="_finish").exists()
