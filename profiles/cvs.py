"""Every change to a CV goes through one of these; other apps use the read API at the end.

A CV's life: the upload request runs only the quick checks
(:mod:`profiles.cv_checks.quick`), stores the file in quarantine and creates
the row in state *checking*, deferring the deep check through the outbox in the
same transaction. A worker runs :func:`check_cv`: the deep check in a sandboxed
child, then either *ready* (with the normalised copy recruiters receive and the
text for matching) or *refused* (the stored bytes deleted, the reason kept for
the person until they dismiss it). A check that never finishes (the worker dies
each time) is refused by the outbox's give-up hook: nothing stays *checking*.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import partial
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from jobletters import outbox
from jobletters.lib.files import generate_key
from jobletters.outbox import TransientError

from .cv_checks.deep import READY
from .cv_checks.quick import Upload
from .cv_checks.runner import run_deep_check
from .models import CV, CVQuerySet

logger = logging.getLogger(__name__)
_SPACES = re.compile(r"[ \t\u00a0]+")

CHECK_CV = "profiles.check_cv"
COULD_NOT_CHECK = gettext_noop(
    "We could not check this file. Please upload it again; if this keeps happening, "
    "export your CV to PDF again first."
)


class CVLimitReached(Exception):
    pass


class DuplicateCV(Exception):
    """The person already has a CV with exactly these bytes."""

    def __init__(self, existing: CV) -> None:
        super().__init__(f"same file as CV {existing.pk}")
        self.existing = existing


class CVNotReady(Exception):
    """The CV has not passed its check (or was deleted): it cannot be sent."""


# --- Reading ---------------------------------------------------------------------------------


def cvs_of(user: User) -> CVQuerySet:
    """A person's CVs: the only way views reach a CV, so another person's is a 404."""
    return CV.objects.filter(owner=user)


def current_cv_of(user: User) -> CV | None:
    return cvs_of(user).ready().filter(is_current=True).first()


@dataclass(frozen=True)
class CVCopy:
    """What a recruiter receives: the normalised file, under the person's file name."""

    file: FieldFile
    download_name: str
    content_type: str


def copy_for_recruiters(*, cv: CV) -> CVCopy:
    """The normalised copy of a ready CV (never the original upload); raise CVNotReady."""
    fresh = CV.objects.ready().filter(pk=cv.pk).exclude(normalised_file="").first()
    if fresh is None:
        raise CVNotReady(f"CV {cv.pk} is not ready to send")
    return CVCopy(
        file=fresh.normalised_file,
        download_name=fresh.original_name,
        content_type=fresh.content_type,
    )


# --- Uploading -------------------------------------------------------------------------------


def same_file_of(owner: User, sha256: str) -> CV | None:
    """The person's CV with exactly these bytes (checking or ready), if any."""
    return cvs_of(owner).counted().filter(sha256=sha256).first()


def upload_cv(*, owner: User, file: IO[bytes], upload: Upload) -> CV:
    """Store a quickly-checked file in quarantine and defer its deep check.

    A file identical (same SHA-256) to one of the person's CVs is not stored twice:
    :class:`DuplicateCV` names the one they have."""
    if existing := same_file_of(owner, upload.sha256):
        raise DuplicateCV(existing)
    storage = CV._meta.get_field("file").storage
    file.seek(0)
    stored_name = storage.save(generate_key("cvs", upload.kind), file)
    try:
        with transaction.atomic():
            # Lock the owner row so two uploads at once cannot both pass the limit.
            User.objects.select_for_update().filter(pk=owner.pk).first()
            if cvs_of(owner).counted().count() >= settings.CV_MAX_PER_PERSON:
                raise CVLimitReached
            # Again under the lock: two uploads of one file at once store it once.
            if existing := same_file_of(owner, upload.sha256):
                raise DuplicateCV(existing)
            cv = CV.objects.create(
                owner=owner,
                file=stored_name,
                original_name=upload.display_name,
                kind=upload.kind,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                state=CV.State.CHECKING,
            )
            # The copy's key is chosen now, so a run that dies after storing it can
            # be cleaned up by the next run (or by the give-up hook).
            outbox.defer(
                CHECK_CV,
                {"cv_id": cv.pk, "copy_key": generate_key("cv-copies", upload.kind)},
                key=f"cv-check:{cv.pk}",
                person=owner,
            )
    except BaseException:
        # No row, no file: never leave an orphan in storage.
        delete_stored_file(storage=storage, name=stored_name)
        raise
    return cv


# --- Checking (in a worker) ------------------------------------------------------------------


def check_cv(*, cv_id: int, copy_key: str) -> CV | None:
    """The deep check of a CV in quarantine: ready with its copy, or refused. Idempotent."""
    storage = CV._meta.get_field("normalised_file").storage
    cv = CV.objects.filter(pk=cv_id).first()
    if cv is None:
        delete_stored_file(storage=storage, name=copy_key)  # a copy from a run that died
        return None
    if cv.state != CV.State.CHECKING:
        return cv  # already decided (a redelivered run)
    try:
        with cv.file.open("rb") as stored:
            data = stored.read(settings.CV_MAX_BYTES + 1)
    except FileNotFoundError:
        return refuse_cv(cv_id=cv.pk, reason=COULD_NOT_CHECK)
    except OSError as exc:
        raise TransientError("CV storage unavailable") from exc

    report = run_deep_check(data=data, kind=cv.kind)
    if report.verdict != READY:
        logger.info("CV %s refused: %s", cv.pk, report.code)
        return refuse_cv(cv_id=cv.pk, reason=report.message)

    if storage.exists(copy_key):  # left by a run that died before recording it
        storage.delete(copy_key)
    saved_key = storage.save(copy_key, ContentFile(report.normalised))
    with transaction.atomic():
        cv = CV.objects.select_for_update().filter(pk=cv_id, state=CV.State.CHECKING).first()
        if cv is None:  # deleted (or decided) while we were checking
            schedule_file_deletion(storage=storage, name=saved_key)
            return None
        cv.state = CV.State.READY
        cv.normalised_file = saved_key
        cv.checked_at = timezone.now()
        cv.text = _clean_text(report.text)
        cv.text_state = CV.TextState.DONE if report.text_read else CV.TextState.FAILED
        cv.text_extracted_at = cv.checked_at
        fields = ["state", "normalised_file", "checked_at", "text", "text_state"]
        cv.save(update_fields=[*fields, "text_extracted_at"])
        current = CV.objects.filter(owner_id=cv.owner_id, is_current=True).first()
        # The seeker's latest wish wins, not the check that finished first: a CV they
        # uploaded after the current one was uploaded (or chosen) takes its place.
        if current is None or cv.uploaded_at > (current.chosen_at or current.uploaded_at):
            set_current_cv(cv=cv)
    return cv


def refuse_cv(*, cv_id: int, reason: str) -> CV | None:
    """Refuse a CV still being checked: delete its stored bytes, keep the row and reason."""
    with transaction.atomic():
        cv = CV.objects.select_for_update().filter(pk=cv_id, state=CV.State.CHECKING).first()
        if cv is None:
            return None
        old_name = cv.file.name
        storage = cv.file.storage
        cv.state = CV.State.REFUSED
        cv.refusal = reason
        cv.checked_at = timezone.now()
        cv.is_current = False
        cv.file = ""
        cv.text = ""
        cv.text_state = CV.TextState.FAILED
        cv.save(
            update_fields=["state", "refusal", "checked_at", "is_current", "file", "text",
                           "text_state"]
        )  # fmt: skip
        if old_name:
            schedule_file_deletion(storage=storage, name=old_name)
    return cv


def gave_up_checking(*, cv_id: int, copy_key: str) -> None:
    """The check never finished (worker died each time, or an error): refuse, clean up."""
    refuse_cv(cv_id=cv_id, reason=COULD_NOT_CHECK)
    storage = CV._meta.get_field("normalised_file").storage
    if not CV.objects.filter(normalised_file=copy_key).exists():
        delete_stored_file(storage=storage, name=copy_key)


def _clean_text(text: str) -> str:
    # PostgreSQL text cannot hold NUL; collapse runs of blank space.
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\x00", " ").splitlines())
    return "\n".join(line for line in lines if line)[: settings.CV_TEXT_MAX_CHARS]


# --- Managing --------------------------------------------------------------------------------


@transaction.atomic
def set_current_cv(*, cv: CV, chosen: bool = False) -> CV:
    """Make a ready CV the one recruiters receive (``chosen``: the seeker said so)."""
    if cv.state != CV.State.READY:
        raise CVNotReady(f"CV {cv.pk} is not ready")
    CV.objects.filter(owner_id=cv.owner_id, is_current=True).exclude(pk=cv.pk).update(
        is_current=False
    )
    cv.is_current = True
    if chosen:
        cv.chosen_at = timezone.now()
    cv.save(update_fields=["is_current", "chosen_at"])
    return cv


@transaction.atomic
def successor_of(cv: CV) -> CV | None:
    """The CV that becomes current if this current one is deleted: the newest ready one."""
    if not cv.is_current:
        return None
    return CV.objects.ready().filter(owner_id=cv.owner_id).exclude(pk=cv.pk).first()


def delete_cv(*, cv: CV) -> None:
    """Delete the CV (or dismiss a refusal); its stored files go after commit (signals)."""
    successor = successor_of(cv)
    cv.delete()
    if successor is not None:
        set_current_cv(cv=successor)


def delete_stored_file(*, storage: Storage, name: str) -> None:
    if not name:
        return
    try:
        storage.delete(name)
    except Exception:
        # The row is gone already; a file we failed to delete is logged for staff.
        logger.exception("Could not delete stored CV file")


def schedule_file_deletion(*, storage: Storage, name: str) -> None:
    transaction.on_commit(partial(delete_stored_file, storage=storage, name=name))
