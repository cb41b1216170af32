"""How complete is a seeker's profile, and what is still missing (dashboard meter)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User

from .models import CV, Profile, Target


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    url: str


@dataclass(frozen=True)
class Completeness:
    steps: tuple[Step, ...]
    # The seeker is yet to read that their targets were kept as pairs.
    targets_kept_as_pairs: bool = False

    @property
    def percent(self) -> int:
        return round(100 * sum(s.done for s in self.steps) / len(self.steps))

    @property
    def missing(self) -> list[Step]:
        return [s for s in self.steps if not s.done]

    @property
    def is_complete(self) -> bool:
        return not self.missing


_FIELDS = (
    "headline",
    "summary",
    "years_of_experience",
    "seniority",
    "skills",
    "job_letter",
    "open_to_recruiters",
    "targets_kept_as_pairs",
)


def completeness_for(user: User) -> Completeness:
    """One query whatever the size of the profile."""
    row = (
        Profile.objects.filter(user_id=user.pk)
        .annotate(
            has_target=Exists(Target.objects.filter(profile_id=OuterRef("pk"))),
            has_cv=Exists(CV.objects.ready().filter(owner=OuterRef("user"))),
        )
        .values_list(*_FIELDS, "has_target", "has_cv")
        .first()
    )
    if row is None:
        profile = Profile(user=user)
        has_target = False
        has_cv = CV.objects.ready().filter(owner=user).exists()
    else:
        profile = Profile(user=user, **dict(zip(_FIELDS, row, strict=False)))
        has_target, has_cv = row[len(_FIELDS) :]
    edit, letter, cvs = (
        reverse("profiles:edit"),
        reverse("profiles:letter"),
        reverse("profiles:cv_list"),
    )
    steps = (
        Step(_("Your full name"), bool(user.name.strip()), edit + "#id_name"),
        Step(_("A headline"), bool(profile.headline.strip()), edit + "#id_headline"),
        Step(_("A short summary"), bool(profile.summary.strip()), edit + "#id_summary"),
        Step(
            _("Your experience (years or seniority)"),
            profile.years_of_experience is not None or bool(profile.seniority),
            edit + "#id_years_of_experience",
        ),
        Step(_("Your skills"), bool(profile.skills), edit + "#id_skills"),
        Step(_("The jobs you are looking for, and where"), bool(has_target), edit + "#id_targets"),
        Step(_("Your job letter"), bool(profile.job_letter.strip()), letter),
        Step(_("A CV"), bool(has_cv), cvs),
        Step(
            _("Open to recruiters (switch it on when you are ready)"),
            profile.open_to_recruiters,
            edit + "#id_open_to_recruiters",
        ),
    )
    return Completeness(steps=steps, targets_kept_as_pairs=profile.targets_kept_as_pairs)
