"""How complete is a seeker's profile, and what is still missing (dashboard meter)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from accounts.models import User

from .models import CV, Profile


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    url: str


@dataclass(frozen=True)
class Completeness:
    steps: tuple[Step, ...]

    @property
    def percent(self) -> int:
        return round(100 * sum(s.done for s in self.steps) / len(self.steps))

    @property
    def missing(self) -> list[Step]:
        return [s for s in self.steps if not s.done]

    @property
    def is_complete(self) -> bool:
        return not self.missing


def completeness_for(user: User) -> Completeness:
    """One query whatever the size of the profile."""
    has_cv = Exists(CV.objects.ready().filter(owner=OuterRef("user")))
    profile = (
        Profile.objects.filter(user=user)
        .annotate(
            occupation_count=Count("target_occupations", distinct=True),
            place_count=Count("target_places", distinct=True),
            has_cv=has_cv,
        )
        .first()
    )
    if profile is None:
        profile = Profile(user=user)
        profile.occupation_count = profile.place_count = 0  # type: ignore[attr-defined]
        profile.has_cv = CV.objects.ready().filter(owner=user).exists()  # type: ignore[attr-defined]
    edit, letter, cvs = (
        reverse("profiles:edit"),
        reverse("profiles:letter"),
        reverse("profiles:cv_list"),
    )
    steps = (
        Step("Your full name", bool(user.name.strip()), edit + "#id_name"),
        Step("A headline", bool(profile.headline.strip()), edit + "#id_headline"),
        Step("A short summary", bool(profile.summary.strip()), edit + "#id_summary"),
        Step(
            "Your experience (years or seniority)",
            profile.years_of_experience is not None or bool(profile.seniority),
            edit + "#id_years_of_experience",
        ),
        Step("Your skills", bool(profile.skills), edit + "#id_skills"),
        Step(
            "The occupations you are looking for",
            profile.occupation_count > 0,  # type: ignore[attr-defined]
            edit + "#id_target_occupations",
        ),
        Step(
            "Where you want to work",
            profile.place_count > 0,  # type: ignore[attr-defined]
            edit + "#id_target_places",
        ),
        Step("Your job letter", bool(profile.job_letter.strip()), letter),
        Step("A CV", bool(profile.has_cv), cvs),  # type: ignore[attr-defined]
        Step(
            "Open to recruiters (switch it on when you are ready)",
            profile.open_to_recruiters,
            edit + "#id_open_to_recruiters",
        ),
    )
    return Completeness(steps=steps)
