"""Targets chosen as two lists (occupations, places), matched in every combination, are
kept as exactly those combinations when targets become pairs; going back gives the
lists again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from profiles.models import Profile, Target
from taxonomy.models import Occupation, OccupationTitle, Place
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = [("profiles", "0005_targets")]
PAIRS = [("profiles", "0007_remove_crossed_targets")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def at_lists():
    apps = _migrate(LISTS)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to today's schema


def test_each_occupation_in_each_place_becomes_a_target_and_back(at_lists):
    OldProfile = at_lists.get_model("profiles", "Profile")
    TargetOccupation = at_lists.get_model("profiles", "TargetOccupation")
    lawyers = Occupation.objects.get(code="2611")
    developers = Occupation.objects.get(code="2512")
    solicitor = OccupationTitle.objects.get(occupation=lawyers, normalised="solicitor")
    london = Place.objects.get(kind="city", name="London", country="GB")
    paris = Place.objects.get(kind="city", name="Paris", country="FR")
    remote = Place.objects.get(kind="remote")

    def profile(email, occupations, places):
        user = UserFactory(email=email)
        old = OldProfile.objects.create(user_id=user.pk)
        for occupation, title in occupations:
            TargetOccupation.objects.create(
                profile=old, occupation_id=occupation.pk, title_id=title.pk if title else None
            )
        old.target_places.add(*[p.pk for p in places])
        return user

    crossed = profile("crossed@example.com", [(lawyers, solicitor), (developers, None)],
                      [london, paris])  # fmt: skip
    one_job = profile("one@example.com", [(lawyers, None)], [london, remote])
    no_place = profile("none@example.com", [(developers, None)], [])

    _migrate(PAIRS)

    def labels(user):
        return sorted(t.label for t in Target.objects.filter(profile__user=user))

    assert labels(crossed) == [
        "Software developers in London, United Kingdom",
        "Software developers in Paris, France",
        "Solicitor in London, United Kingdom",
        "Solicitor in Paris, France",
    ]
    assert labels(one_job) == ["Lawyers in London, United Kingdom", "Lawyers, remote"]
    assert labels(no_place) == []
    # Told once: only where combinations were made that the seeker may never have meant.
    kept = dict(Profile.objects.values_list("user__email", "targets_kept_as_pairs"))
    assert kept == {
        "crossed@example.com": True,
        "one@example.com": False,
        "none@example.com": False,
    }

    apps = _migrate(LISTS)
    OldProfile = apps.get_model("profiles", "Profile")
    TargetOccupation = apps.get_model("profiles", "TargetOccupation")
    old = OldProfile.objects.get(user_id=crossed.pk)
    assert list(
        TargetOccupation.objects.filter(profile=old).values_list("occupation_id", "title_id")
    ) == [(lawyers.pk, solicitor.pk), (developers.pk, None)]
    assert set(old.target_places.values_list("pk", flat=True)) == {london.pk, paris.pk}
    old = OldProfile.objects.get(user_id=one_job.pk)
    assert set(old.target_places.values_list("pk", flat=True)) == {london.pk, remote.pk}
