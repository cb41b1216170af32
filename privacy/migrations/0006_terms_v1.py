from pathlib import Path

from django.db import migrations
from django.utils import timezone

V1 = Path(__file__).resolve().parent.parent / "policy" / "terms-v1.txt"


def load_terms_v1(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    now = timezone.now()
    PolicyVersion.objects.get_or_create(
        document="terms",
        version=1,
        defaults={
            "text": V1.read_text(encoding="utf-8"),
            # The terms exist from the moment this runs, never earlier.
            "effective_at": now,
            "published_at": now,
            "changelog": "First published version: the terms our privacy policy refers to.",
        },
    )


def unload_terms_v1(apps, schema_editor):
    apps.get_model("privacy", "PolicyVersion").objects.filter(document="terms").delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_legal_requests_processors_versions")]
    operations = [migrations.RunPython(load_terms_v1, unload_terms_v1)]
