"""Every change to a profile or the job letter goes through one of these (CVs: ``cvs.py``)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import update_user_name

from .letters import clean_letter
from .models import MAX_TARGETS, ContactDetails, Profile, Target, with_targets

# --- Profile ---------------------------------------------------------------------


def profile_of(user: User) -> Profile:
    """The person's profile, or an unsaved empty one: reading never creates a row."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def profile_for_editing(user: User) -> tuple[Profile, ContactDetails]:
    """The profile (targets prefetched) and contact details, in two queries.

    What the person has not saved yet comes back unsaved and empty: the rows are
    created by the first save (``update_profile``), never by showing the form.
    """
    row = (
        User.objects.filter(pk=user.pk)
        .select_related("profile", "contact_details")
        .prefetch_related(with_targets("profile__targets"))
        .get()
    )
    profile = getattr(row, "profile", None) or Profile(user=user)
    contact = getattr(row, "contact_details", None) or ContactDetails(user=user)
    return profile, contact


def get_profile(*, user: User) -> Profile:
    """For changes: the profile, created on first use. Pages read with ``profile_of``."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def check_target_count(chosen: Collection[Any], *, had: Collection[Any] = ()) -> None:
    """The limit on targets, in one place: at most ``MAX_TARGETS``. A profile that has
    more (its occupations and places were kept as pairs when targets became pairs)
    keeps them and may remove some, but adds none until it is under the limit."""
    if len(chosen) > MAX_TARGETS and not set(chosen) <= set(had):
        raise ValidationError(
            {
                "targets": ngettext(
                    "Choose at most %(max)d target: untick one to add another.",
                    "Choose at most %(max)d targets: untick one to add another.",
                    MAX_TARGETS,
                )
                % {"max": MAX_TARGETS}
            },
            code="max",
        )


@transaction.atomic
def update_profile(
    *,
    user: User,
    name: str,
    contact: dict[str, Any],
    professional: dict[str, Any],
    targets: Iterable[Target],
) -> Profile:
    """Save the whole profile form: the account name, contact details and profession.

    ``targets``: unsaved :class:`Target` rows (occupation, chosen title or None, place),
    one per pair the seeker chose; the same occupation and place twice count once."""
    chosen: dict[tuple[int, int], Target] = {}
    for target in targets:
        if target.title is not None and target.title.occupation_id != target.occupation_id:
            raise ValidationError(f"“{target.title}” is not a title of {target.occupation}.")
        chosen.setdefault((target.occupation_id, target.place_id), target)
    profile = get_profile(user=user)
    existing = {(t.occupation_id, t.place_id): t for t in profile.targets.all()}
    check_target_count(chosen, had=existing)
    if professional.get("open_to_recruiters") and not chosen:
        raise ValidationError(
            {"targets": _("To be open to recruiters, choose at least one job and where.")}
        )

    if user.name != name:
        update_user_name(user=user, name=name)

    ContactDetails.objects.update_or_create(user=user, defaults=contact)

    for field, value in professional.items():
        setattr(profile, field, value)
    # Saving the targets is seeing them: the note about keeping them as pairs is done.
    profile.targets_kept_as_pairs = False
    profile.save()
    _set_targets(profile, existing, chosen)
    return profile


def _set_targets(
    profile: Profile, existing: dict[tuple[int, int], Target], chosen: dict[tuple[int, int], Target]
) -> None:
    """The profile's targets become ``chosen``; rows that stay keep their id."""
    if gone := [t.pk for key, t in existing.items() if key not in chosen]:
        Target.objects.filter(pk__in=gone).delete()
    for key, target in chosen.items():
        kept = existing.get(key)
        if kept is None:
            target.profile = profile
            target.pk = None
            target.save()
        elif kept.title_id != target.title_id:
            kept.title_id = target.title_id
            kept.save(update_fields=["title"])


def dismiss_pairs_notice(*, user: User) -> None:
    """The seeker read that their targets were kept as pairs."""
    Profile.objects.filter(user=user, targets_kept_as_pairs=True).update(
        targets_kept_as_pairs=False
    )


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
