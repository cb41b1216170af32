from datetime import UTC, datetime
from pathlib import Path

from django.db import migrations

V1 = Path(__file__).resolve().parent.parent / "policy" / "v1.txt"


def load_v1(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        version=1,
        defaults={
            "text": V1.read_text(encoding="utf-8"),
            "effective_at": datetime(2026, 1, 1, tzinfo=UTC),
            "changelog": "First published version.",
        },
    )


def unload_v1(apps, schema_editor):
    apps.get_model("privacy", "PolicyVersion").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(load_v1, unload_v1)]
