"""Help PostgreSQL's planner use the trigram indexes.

pg_trgm declares its similarity operators' functions with COST 1, so on a table
of this size (34k places) the planner prefers a sequential scan that computes a
trigram similarity for every row (≈55 ms) over the GIN bitmap scans (≈8 ms);
on the 4.5k alternative titles, 12 ms against 4 ms. COST 400 is the smallest
round value that tips all three tables to the index (measured with EXPLAIN
ANALYZE; see bench/autocomplete.py --explain). It is database-wide, and only
ever steers other uses of these operators toward their trigram indexes too. Changing an extension's function
needs its owner; where the migration role is not (some managed databases), this
step is skipped with a notice: search stays correct, only slower. Fresh
statistics after the bulk load matter for the same reason.
"""

from django.db import migrations, transaction

COSTLY_OPERATOR_FUNCTIONS = (
    "similarity_op(text, text)",  # normalised % query
    "strict_word_similarity_commutator_op(text, text)",  # normalised %>> query
)
TABLES = ("taxonomy_occupation", "taxonomy_occupationtitle", "taxonomy_place")


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for function in COSTLY_OPERATOR_FUNCTIONS:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(f"ALTER FUNCTION {function} COST 400")
        except Exception as error:  # e.g. insufficient privilege on a managed database
            print(f"\n  taxonomy: could not set the cost of {function}: {error}")
    for table in TABLES:
        schema_editor.execute(f"ANALYZE {table}")


class Migration(migrations.Migration):
    # ANALYZE and ALTER FUNCTION run fine inside the migration's transaction.
    dependencies = [("taxonomy", "0003_load_taxonomy")]

    operations = [migrations.RunPython(tune, migrations.RunPython.noop, elidable=False)]
