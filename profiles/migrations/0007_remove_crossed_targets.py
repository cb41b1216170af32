"""The two lists targets were before they were pairs (see 0005) go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("profiles", "0006_targets_as_pairs")]

    operations = [
        migrations.RemoveField(model_name="profile", name="target_occupations"),
        migrations.RemoveField(model_name="profile", name="target_places"),
        migrations.DeleteModel(name="TargetOccupation"),
    ]
