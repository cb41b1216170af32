"""Every change to a profile, the job letter or a CV goes through one of these."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from jobletters.celery import TransientError
from jobletters.lib.files import generate_key
from taxonomy.models import Occupation, Place

from .cv_validation import ValidatedCV
from .letters import sanitise_letter
from .models import CV, MAX_TARGETS, ContactDetails, Profile

logger = logging.getLogger(__name__)
_SPACES = re.compile(r"[ \t\u00a0]+")


class CVLimitReached(Exception):
    pass


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
        .prefetch_related("profile__target_occupations", "profile__target_places")
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
    target_occupations: Iterable[Occupation],
    target_places: Iterable[Place],
) -> Profile:
    """Save the whole profile form: the account name, contact details and profession."""
    occupations = list(target_occupations)
    places = list(target_places)
    if len(occupations) > MAX_TARGETS or len(places) > MAX_TARGETS:
        raise ValidationError(f"Choose at most {MAX_TARGETS} occupations and places.")
    if professional.get("open_to_recruiters") and not (occupations and places):
        raise ValidationError("Choose at least one occupation and one place (or Remote).")

    if user.name != name:
        user.name = name
        user.save(update_fields=["name"])

    details = get_contact_details(user=user)
    for field, value in contact.items():
        setattr(details, field, value)
    details.save()

    profile = get_profile(user=user)
    for field, value in professional.items():
        setattr(profile, field, value)
    profile.save()
    profile.target_occupations.set(occupations)
    profile.target_places.set(places)
    return profile


def update_job_letter(*, user: User, text: str) -> Profile:
    profile = get_profile(user=user)
    profile.job_letter = sanitise_letter(text)
    profile.job_letter_updated_at = timezone.now()
    profile.save(update_fields=["job_letter", "job_letter_updated_at", "updated_at"])
    return profile


# --- CVs -------------------------------------------------------------------------


def cvs_of(user: User) -> QuerySet[CV]:
    """A person's CVs: the only way views reach a CV, so another person's is a 404."""
    return CV.objects.filter(owner=user)


def upload_cv(*, owner: User, file: IO[bytes], validated: ValidatedCV) -> CV:
    """Store a validated CV under a server-made key; read its text in the background."""
    from .tasks import extract_cv_text_task

    storage = CV._meta.get_field("file").storage
    file.seek(0)
    stored_name = storage.save(generate_key("cvs", validated.kind), file)
    try:
        with transaction.atomic():
            # Lock the owner row so two uploads at once cannot both pass the limit.
            User.objects.select_for_update().filter(pk=owner.pk).first()
            existing = cvs_of(owner)
            if existing.count() >= settings.CV_MAX_PER_PERSON:
                raise CVLimitReached
            cv = CV.objects.create(
                owner=owner,
                file=stored_name,
                original_name=validated.display_name,
                kind=validated.kind,
                content_type=validated.content_type,
                size=validated.size,
                sha256=validated.sha256,
                is_current=not existing.filter(is_current=True).exists(),
            )
    except BaseException:
        # No row, no file: never leave an orphan in storage.
        delete_stored_file(storage=storage, name=stored_name)
        raise
    extract_cv_text_task.delay_on_commit(cv.pk)
    return cv


@transaction.atomic
def set_current_cv(*, cv: CV) -> CV:
    CV.objects.filter(owner_id=cv.owner_id, is_current=True).exclude(pk=cv.pk).update(
        is_current=False
    )
    if not cv.is_current:
        cv.is_current = True
        cv.save(update_fields=["is_current"])
    return cv


@transaction.atomic
def delete_cv(*, cv: CV) -> None:
    """Delete the CV; its stored file goes after commit (see profiles.signals)."""
    owner_id, was_current = cv.owner_id, cv.is_current
    cv.delete()
    if was_current and (newest := CV.objects.filter(owner_id=owner_id).first()) is not None:
        set_current_cv(cv=newest)


def delete_stored_file(*, storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:
        # The row is gone already; a file we failed to delete is logged for staff.
        logger.exception("Could not delete stored CV file")


def extract_cv_text(*, cv_id: int) -> CV | None:
    """Read the CV's text for matching. A CV whose text cannot be read stays usable."""
    cv = CV.objects.filter(pk=cv_id).first()
    if cv is None:
        return None  # deleted before we got to it
    try:
        with cv.file.open("rb") as stored:
            data = stored.read(settings.CV_MAX_BYTES + 1)
    except FileNotFoundError:
        return _save_text(cv, "", CV.TextState.FAILED)
    except OSError as exc:
        raise TransientError("CV storage unavailable") from exc
    try:
        text = _extract_text(cv.kind, io.BytesIO(data))
    except Exception:
        logger.info("CV text extraction failed", exc_info=True)
        return _save_text(cv, "", CV.TextState.FAILED)
    return _save_text(cv, text, CV.TextState.DONE)


def _save_text(cv: CV, text: str, state: str) -> CV:
    # PostgreSQL text cannot hold NUL; collapse runs of blank space.
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\x00", " ").splitlines())
    text = "\n".join(line for line in lines if line)
    cv.text = text[: settings.CV_TEXT_MAX_CHARS]
    cv.text_state = state
    cv.text_extracted_at = timezone.now()
    # update(), not save(): the row may have been deleted meanwhile.
    CV.objects.filter(pk=cv.pk).update(
        text=cv.text, text_state=cv.text_state, text_extracted_at=cv.text_extracted_at
    )
    return cv


def _extract_text(kind: str, data: IO[bytes]) -> str:
    if kind == CV.Kind.PDF:
        from pypdf import PdfReader

        reader = PdfReader(data, strict=False)
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    import docx

    document = docx.Document(data)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def schedule_file_deletion(*, storage: Storage, name: str) -> None:
    transaction.on_commit(partial(delete_stored_file, storage=storage, name=name))
