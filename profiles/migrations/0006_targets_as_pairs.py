"""Each profile's targets, chosen as two lists (occupations, places) and matched
in every combination, are kept as exactly those combinations: each occupation,
with the title chosen for it, in each place. A seeker who had more than one
occupation and more than one place (combinations they may never have meant) is
told once (``targets_kept_as_pairs``) and can remove the pairs they do not want.
A profile with occupations but no place, or places but no occupation, had no
combination that matched anything: it has no target.

Going back gives each profile the occupations and the places its pairs name
(the first title chosen for an occupation): the lists they came from, or, for
pairs chosen since, the smallest lists that match them all.
"""

from django.db import migrations

BATCH = 2000


def to_pairs(apps, schema_editor):
    Profile = apps.get_model("profiles", "Profile")
    TargetOccupation = apps.get_model("profiles", "TargetOccupation")
    Target = apps.get_model("profiles", "Target")
    Places = Profile.target_places.through
    places: dict[int, list[int]] = {}
    for profile_id, place_id in Places.objects.order_by("pk").values_list("profile_id", "place_id"):
        places.setdefault(profile_id, []).append(place_id)
    occupations: dict[int, list[tuple[int, int | None]]] = {}
    for profile_id, occupation_id, title_id in TargetOccupation.objects.order_by("pk").values_list(
        "profile_id", "occupation_id", "title_id"
    ):
        occupations.setdefault(profile_id, []).append((occupation_id, title_id))
    pairs = [
        Target(profile_id=profile_id, occupation_id=occupation_id, title_id=title_id, place_id=p)
        for profile_id, chosen in occupations.items()
        for occupation_id, title_id in chosen
        for p in places.get(profile_id, [])
    ]
    Target.objects.bulk_create(pairs, batch_size=BATCH)
    crossed = [
        profile_id
        for profile_id, chosen in occupations.items()
        if len(chosen) > 1 and len(places.get(profile_id, [])) > 1
    ]
    for start in range(0, len(crossed), BATCH):
        Profile.objects.filter(pk__in=crossed[start : start + BATCH]).update(
            targets_kept_as_pairs=True
        )


def to_lists(apps, schema_editor):
    Profile = apps.get_model("profiles", "Profile")
    TargetOccupation = apps.get_model("profiles", "TargetOccupation")
    Target = apps.get_model("profiles", "Target")
    Places = Profile.target_places.through
    occupations: dict[tuple[int, int], int | None] = {}
    places: dict[tuple[int, int], None] = {}
    for profile_id, occupation_id, title_id, place_id in Target.objects.order_by("pk").values_list(
        "profile_id", "occupation_id", "title_id", "place_id"
    ):
        occupations.setdefault((profile_id, occupation_id), title_id)
        places[(profile_id, place_id)] = None
    TargetOccupation.objects.bulk_create(
        [
            TargetOccupation(profile_id=profile_id, occupation_id=occupation_id, title_id=title)
            for (profile_id, occupation_id), title in occupations.items()
        ],
        batch_size=BATCH,
    )
    Places.objects.bulk_create(
        [Places(profile_id=profile_id, place_id=place_id) for profile_id, place_id in places],
        batch_size=BATCH,
    )
    Target.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0005_targets")]

    operations = [migrations.RunPython(to_pairs, to_lists)]
