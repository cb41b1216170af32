"""Each target occupation keeps the title the seeker chose ("Solicitor" for
Lawyers). The many-to-many table the targets already live in becomes the
TargetOccupation model (the same rows, untouched) and gains a nullable title:
existing targets have none and are shown with their group's name, as before.
Going back drops the title column; the targets stay.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0002_cv_checking"),
        ("taxonomy", "0005_place_other_names_and_districts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table, its columns and its unique pair exist already.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="TargetOccupation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "occupation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="taxonomy.occupation",
                            ),
                        ),
                        (
                            "profile",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="occupation_targets",
                                to="profiles.profile",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "profiles_profile_target_occupations",
                        "ordering": ["pk"],
                        "unique_together": {("profile", "occupation")},
                    },
                ),
                migrations.AlterField(
                    model_name="profile",
                    name="target_occupations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="seeker_profiles",
                        through="profiles.TargetOccupation",
                        to="taxonomy.occupation",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="targetoccupation",
            name="title",
            field=models.ForeignKey(
                blank=True,
                help_text="The job title the seeker chose, e.g. Solicitor.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="taxonomy.occupationtitle",
            ),
        ),
    ]
