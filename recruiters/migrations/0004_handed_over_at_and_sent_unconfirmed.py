from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruiters", "0003_website_web_addresses_only"),
    ]

    operations = [
        # The mark moves from "before connecting" to "just before the final dot".
        migrations.RenameField(
            model_name="delivery", old_name="smtp_started_at", new_name="handed_over_at"
        ),
        migrations.AddField(
            model_name="delivery",
            name="sent_unconfirmed",
            field=models.BooleanField(default=False, verbose_name="sent (unconfirmed)"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="state",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("deferred", "Waiting for tomorrow"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("opened", "Opened"),
                    ("downloaded", "CV link opened"),
                    ("failed", "Failed"),
                    ("revoked", "Revoked"),
                ],
                default="queued",
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="downloaded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="CV link opened"),
        ),
        migrations.AlterField(
            model_name="packetaccess",
            name="kind",
            field=models.CharField(
                choices=[
                    ("view", "Opened the packet page"),
                    ("download", "Opened the CV download link"),
                ],
                max_length=10,
            ),
        ),
    ]
