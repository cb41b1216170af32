"""Places' other names and spellings (GeoNames alternate names: München and
Munich, Bombay and Mumbai) and which cities are districts of a larger one, then
the places loaded again to fill them (ids stay: rows are matched on GeoNames id).
Alternative titles keep their ids from now on (seekers' targets point to them).

On PostgreSQL the other names get a trigram index like the names (0002). Going
back drops the columns and the index; the loaded vocabulary stays.
"""

from django.db import migrations, models

INDEX = "taxonomy_place_other_names_trgm"


def load_places(apps, schema_editor):
    from taxonomy.loading import load_places

    load_places(apps.get_model("taxonomy", "Place"))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE taxonomy_place")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON taxonomy_place USING gin (other_names_normalised gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0004_trigram_planning")]

    operations = [
        migrations.AddField(
            model_name="place",
            name="is_district",
            field=models.BooleanField(default=False, verbose_name="district of a larger city"),
        ),
        migrations.AddField(
            model_name="place",
            name="other_names",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="place",
            name="other_names_normalised",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(load_places, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
