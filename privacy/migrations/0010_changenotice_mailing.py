"""Notices of change go through jobletters.lib.mailing, which counts emails on the row."""

from django.db import migrations, models
from django.utils import timezone

UNFINISHED = ["pending", "running", "failed"]


def forwards(apps, schema_editor):
    ChangeNotice = apps.get_model("privacy", "ChangeNotice")
    Entry = apps.get_model("jobletters", "OutboxEntry")
    Entry.objects.filter(kind="privacy.notice_finish").delete()
    for e in Entry.objects.filter(kind="privacy.notice_batch", state__in=UNFINISHED):
        e.kind, e.queue = "mailing.batch", "default"
        e.payload = {
            "mailing": "privacy-notice",
            "id": e.payload["notice_id"],
            "after": e.payload["after"],
        }
        e.save()
    # Counts were read from the outbox until the end; now each email counts as it ends.
    for n in ChangeNotice.objects.filter(state="sending"):
        emails = Entry.objects.filter(key__startswith=f"privacy-notice:{n.pk}:")
        n.sent_count = emails.filter(state="done").count()
        n.failed_count = emails.filter(state="failed").count()
        if n.queued_at and n.sent_count + n.failed_count >= n.queued_count:
            n.state, n.finished_at = "sent", timezone.now()
        n.save()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0009_processor_subscription_language"),
        ("jobletters", "0001_initial"),
    ]
    operations = [
        migrations.AddField(
            "changenotice", "skipped_count", models.PositiveIntegerField(default=0)
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
