"""PreparedQuery gives what the ORM gives, compiling once per connection."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q
from django.db.models.sql.compiler import SQLCompiler

from billing import ledger
from billing.dashboard import _summary, _summary_query
from jobletters.lib.prepared import PreparedQuery
from profiles import services
from profiles.completeness import _completeness_query, completeness_for
from profiles.models import Profile

pytestmark = pytest.mark.django_db


def _profile_query(user_id: int):
    return (
        Profile.objects.filter(user_id=user_id)
        .annotate(
            has_place=Exists(
                Profile.target_places.through.objects.filter(profile_id=OuterRef("pk"))
            )
        )
        .values_list("headline", "skills", "open_to_recruiters", "updated_at", "has_place")
    )


def _fill(user, *, headline: str, skills: list[str]) -> None:
    services.update_profile(
        user=user,
        name=user.name,
        contact={},
        professional={"headline": headline, "skills": skills, "open_to_recruiters": False},
        target_occupations=[],
        target_places=[],
    )


def test_rows_are_what_the_orm_gives(seeker, other_seeker):
    _fill(seeker, headline="Lawyer <M&A>", skills=["GDPR", "contracts"])
    _fill(other_seeker, headline="Nurse", skills=[])
    prepared = PreparedQuery(_profile_query, user_id=-1)
    for person in (seeker, other_seeker):
        expected = list(_profile_query(person.pk))
        assert prepared.rows(user_id=person.pk) == expected
        assert isinstance(prepared.first(user_id=person.pk)[1], list)  # JSON converted
        assert prepared.first(user_id=person.pk)[4] is False  # a boolean, also on SQLite
    assert prepared.first(user_id=999_999) is None


def test_it_compiles_once_per_connection(seeker, monkeypatch):
    compiled = []
    real = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    prepared = PreparedQuery(_profile_query, user_id=-1)
    for _ in range(5):
        prepared.rows(user_id=seeker.pk)
    assert compiled.count(Profile) == 1


def test_a_placeholder_must_appear_exactly_once(seeker):
    twice = PreparedQuery(
        lambda user_id: Profile.objects.filter(Q(user_id=user_id) | Q(pk=user_id)).values_list(
            "pk"
        ),
        user_id=-1,
    )
    with pytest.raises(ImproperlyConfigured, match="appears 2 times"):
        twice.rows(user_id=seeker.pk)
    missing = PreparedQuery(lambda user_id: Profile.objects.values_list("pk"), user_id=-1)
    with pytest.raises(ImproperlyConfigured, match="appears 0 times"):
        missing.rows(user_id=seeker.pk)
    with pytest.raises(TypeError):
        PreparedQuery(_profile_query, user_id=-1).rows(pk=1)


def test_the_dashboard_queries_match_their_orm_form(seeker, staff):
    _fill(seeker, headline="Lawyer", skills=["GDPR"])
    ledger.grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Welcome")
    assert _summary(seeker) == (3, False)
    assert list(_summary_query(seeker.pk)) == [(3, False)]
    assert completeness_for(seeker).percent == 30  # name, headline, skills
    assert len(list(_completeness_query(seeker.pk))) == 1
