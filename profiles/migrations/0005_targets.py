"""Targets become pairs: a job (with the title the seeker chose) in one place. The
new table comes first; 0005 fills it from the two lists, 0006 removes them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0004_cv_chosen_and_letters_as_typed"),
        ("taxonomy", "0005_place_other_names_and_districts"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="related_roles",
            field=models.BooleanField(
                default=False,
                help_text="When on, recruiters for roles close to the ones you chose match "
                "too (for a lawyer: judges and notaries). When off, only recruiters for your "
                "own roles.",
                verbose_name="also related roles",
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="targets_kept_as_pairs",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.CreateModel(
            name="Target",
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
                    "place",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="taxonomy.place",
                    ),
                ),
                (
                    "profile",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="targets",
                        to="profiles.profile",
                    ),
                ),
                (
                    "title",
                    models.ForeignKey(
                        blank=True,
                        help_text="The job title the seeker chose, e.g. Solicitor.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="taxonomy.occupationtitle",
                    ),
                ),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                fields=("profile", "occupation", "place"), name="profiles_target_once"
            ),
        ),
    ]
