from django.db import migrations

import accounts.names
from accounts.names import is_allowed, normalise_name


def one_line_names(apps, schema_editor):
    """Names saved before the rule: normalised, and the characters it refuses dropped."""
    User = apps.get_model("accounts", "User")
    for pk, name in User.objects.exclude(name="").values_list("pk", "name").iterator():
        cleaned = normalise_name("".join(filter(is_allowed, normalise_name(name))))
        if cleaned != name:
            User.objects.filter(pk=pk).update(name=cleaned)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="name",
            field=accounts.names.NameField(blank=True, max_length=150, verbose_name="full name"),
        ),
        migrations.RunPython(one_line_names, migrations.RunPython.noop, elidable=True),
    ]
