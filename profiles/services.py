"""Every change to a profile or the job letter goes through one of these (CVs: ``cvs.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import update_user_name
from taxonomy.models import Occupation, OccupationTitle, Place

from .letters import clean_letter
from .models import MAX_TARGETS, ContactDetails, Profile, TargetOccupation

# An occupation a seeker is looking for, with the title they chose (or None).
ChosenOccupation = tuple[Occupation, OccupationTitle | None]

# --- Profile ---------------------------------------------------------------------


def profile_of(user: User) -> Profile:
    """The person's profile, or an unsaved empty one: reading never creates a row."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def profile_for_editing(user: User) -> tuple[Profile, ContactDetails]:
    """The profile (targets prefetched) and contact details, in three queries.

    What the person has not saved yet comes back unsaved and empty: the rows are
    created by the first save (``update_profile``), never by showing the form.
    """
    row = (
        User.objects.filter(pk=user.pk)
        .select_related("profile", "contact_details")
        .prefetch_related(
            models.Prefetch(
                "profile__occupation_targets",
                queryset=TargetOccupation.objects.select_related("occupation", "title"),
            ),
            "profile__target_places",
        )
        .get()
    )
    profile = getattr(row, "profile", None) or Profile(user=user)
    contact = getattr(row, "contact_details", None) or ContactDetails(user=user)
    return profile, contact


def get_profile(*, user: User) -> Profile:
    """For changes: the profile, created on first use. Pages read with ``profile_of``."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def get_contact_details(*, user: User) -> ContactDetails:
    """For changes: the contact details, created on first use."""
    contact, _ = ContactDetails.objects.get_or_create(user=user)
    return contact


@transaction.atomic
def update_profile(
    *,
    user: User,
    name: str,
    contact: dict[str, Any],
    professional: dict[str, Any],
    target_occupations: Iterable[Occupation | ChosenOccupation],
    target_places: Iterable[Place],
) -> Profile:
    """Save the whole profile form: the account name, contact details and profession.

    Each target occupation may come with the title the seeker chose for it
    (``(occupation, title)``); a plain occupation keeps the group's name."""
    occupations = _chosen(target_occupations)
    places = list(target_places)
    if len(occupations) > MAX_TARGETS or len(places) > MAX_TARGETS:
        raise ValidationError(
            _("Choose at most %(max)d occupations and places.") % {"max": MAX_TARGETS}
        )
    if professional.get("open_to_recruiters") and not (occupations and places):
        raise ValidationError(_("Choose at least one occupation and one place (or Remote)."))

    if user.name != name:
        update_user_name(user=user, name=name)

    details = get_contact_details(user=user)
    for field, value in contact.items():
        setattr(details, field, value)
    details.save()

    profile = get_profile(user=user)
    for field, value in professional.items():
        setattr(profile, field, value)
    profile.save()
    _set_occupation_targets(profile, occupations)
    profile.target_places.set(places)
    return profile


def _chosen(items: Iterable[Occupation | ChosenOccupation]) -> list[ChosenOccupation]:
    chosen: dict[int, ChosenOccupation] = {}
    for item in items:
        occupation, title = item if isinstance(item, tuple) else (item, None)
        if title is not None and title.occupation_id != occupation.pk:
            raise ValidationError(f"“{title}” is not a title of {occupation}.")
        chosen.setdefault(occupation.pk, (occupation, title))
    return list(chosen.values())


def _set_occupation_targets(profile: Profile, chosen: list[ChosenOccupation]) -> None:
    """The profile's target occupations become ``chosen``; rows that stay keep their id."""
    existing = {t.occupation_id: t for t in profile.occupation_targets.all()}
    wanted = {occupation.pk for occupation, _ in chosen}
    if gone := [t.pk for occupation_id, t in existing.items() if occupation_id not in wanted]:
        TargetOccupation.objects.filter(pk__in=gone).delete()
    for occupation, title in chosen:
        title_id = title.pk if title else None
        target = existing.get(occupation.pk)
        if target is None:
            TargetOccupation.objects.create(profile=profile, occupation=occupation, title=title)
        elif target.title_id != title_id:
            target.title_id = title_id
            target.save(update_fields=["title"])


def letter_is_empty(text: str) -> bool:
    """No words in it: blank, or formatting only."""
    return not clean_letter(text)


def update_job_letter(*, user: User, text: str) -> Profile:
    """Store the letter as typed; an empty one (blank, or formatting only) as no letter."""
    profile = get_profile(user=user)
    profile.job_letter = clean_letter(text)
    profile.job_letter_updated_at = timezone.now()
    profile.save(update_fields=["job_letter", "job_letter_updated_at", "updated_at"])
    return profile
