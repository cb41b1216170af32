"""Announcements go through jobletters.lib.mailing, which counts emails on the row."""

from django.db import migrations
from django.utils import timezone

UNFINISHED = ["pending", "running", "failed"]


def forwards(apps, schema_editor):
    Announcement = apps.get_model("communications", "Announcement")
    Entry = apps.get_model("jobletters", "OutboxEntry")
    # Emails people chose leave through communications, which asks again first.
    Entry.objects.filter(
        kind="emails.send", state__in=UNFINISHED, payload__has_key="category"
    ).update(kind="communications.send_email")
    Entry.objects.filter(kind="communications.announcement_finish").delete()
    for e in Entry.objects.filter(kind="communications.announcement_batch", state__in=UNFINISHED):
        e.kind, e.queue = "mailing.batch", "default"
        e.payload = {
            "mailing": "announcement",
            "id": e.payload["announcement_id"],
            "after": e.payload["after"],
        }
        e.save()
    # Counts were read from the outbox until the end; now each email counts as it ends.
    for a in Announcement.objects.filter(state="sending"):
        emails = Entry.objects.filter(key__startswith=f"announcement:{a.pk}:")
        a.skipped_count = emails.filter(state="done", payload__outcome="skipped").count()
        a.sent_count = emails.filter(state="done").count() - a.skipped_count
        a.failed_count = emails.filter(state="failed").count()
        if a.queued_at and a.sent_count + a.skipped_count + a.failed_count >= a.queued_count:
            a.state, a.finished_at = "sent", timezone.now()
        a.save()


class Migration(migrations.Migration):
    dependencies = [("communications", "0001_initial"), ("jobletters", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
