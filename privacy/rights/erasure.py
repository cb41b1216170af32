"""Erasure (§5, §7): one function forgets a person, driven by the registry.

``erase_person`` runs the phases of :class:`~privacy.registry.declarations.Phase` in order.
The tombstone is written first and records the last phase done, so a run that stops half-way
resumes where it stopped; every phase is idempotent. An open legal hold on everything about
the person stops it before anything changes (:class:`PersonHeld`). The tombstone is also
journaled to the file store, so a restored backup can be made to forget the person again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from jobletters.lib.emails import queue_email
from jobletters.lib.languages import DEFAULT, supported
from privacy.models import DeletionRequest, LegalHold, Tombstone
from privacy.registry.declarations import Declaration, Erasure, Phase, declaration_for, declarations
from privacy.rights import holds

logger = logging.getLogger(__name__)

JOURNAL_PREFIX = "privacy/tombstones"


class PersonHeld(Exception):
    """A legal hold on everything about the person: erasure must wait."""


@dataclass
class ErasureResult:
    erased: bool
    subject_hash: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def subject_hash(user_id: int, date_joined: Any) -> str:
    """A keyed one-way hash of the person: their id and the moment they signed up.

    The sign-up time makes an id reused after a restore a different person.
    """
    stamp = date_joined.isoformat() if hasattr(date_joined, "isoformat") else str(date_joined)
    message = f"{user_id}|{stamp}".encode()
    key = settings.PRIVACY_TOMBSTONE_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def hash_of(user: Any) -> str:
    return subject_hash(user.pk, user.date_joined)


def is_held(user: Any) -> bool:
    """A hold on everything about the person (a scoped hold lets the rest go)."""
    return LegalHold.objects.filter(person=user, released_at__isnull=True, sections=[]).exists()


def erase_person(user_id: int, *, final_email: bool = True) -> ErasureResult:
    """Forget the person: see the module's documentation. Idempotent and resumable."""
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return ErasureResult(erased=False)
    holds.sync_automatic_holds()
    if is_held(user):
        raise PersonHeld(f"A legal hold keeps person {user_id}'s data.")
    digest = hash_of(user)
    requests = DeletionRequest.objects.filter(person=user)
    requested_at = requests.aggregate(at=Max("requested_at"))["at"] or timezone.now()
    tombstone, _ = Tombstone.objects.get_or_create(
        subject_hash=digest, defaults={"requested_at": requested_at}
    )
    counts: dict[str, int] = dict(tombstone.summary or {})

    if tombstone.phase < Phase.OUTSIDE:
        _outside_systems(user, counts)
        _advance(tombstone, Phase.OUTSIDE, counts)

    if tombstone.phase < Phase.DETACH:
        with transaction.atomic():
            _detach(user, counts)
            _advance(tombstone, Phase.DETACH, counts)

    email = user.email
    language = getattr(user, "language", "")  # the goodbye is in their language
    with transaction.atomic():
        _delete(user, counts)
        tombstone.erased_at = timezone.now()
        _advance(tombstone, Phase.TOMBSTONE, counts)
        if final_email and email:
            _queue_final_email(email, digest, language=language)
    transaction.on_commit(lambda: write_journal(digest))
    logger.info("erasure: done (%d kinds of rows)", len(counts))
    return ErasureResult(erased=True, subject_hash=digest, counts=counts)


def _advance(tombstone: Tombstone, phase: Phase, counts: dict[str, int]) -> None:
    tombstone.phase = int(phase)
    tombstone.summary = counts
    tombstone.save(update_fields=["phase", "summary", "erased_at"])


def _count(counts: dict[str, int], model: type[models.Model], n: int) -> None:
    if n:
        counts[model._meta.label] = counts.get(model._meta.label, 0) + n


def _outside_systems(user: Any, counts: dict[str, int]) -> None:
    for declaration in declarations():
        if declaration.outside is not None:
            declaration.outside(user)
    for declaration in declarations():
        meta = declaration.model._meta
        file_fields = [f.name for f in meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        for row in declaration.rows_for(user).iterator(chunk_size=500):
            for name in file_fields:
                fieldfile = getattr(row, name)
                if fieldfile and fieldfile.name:
                    # Raises on a store that fails: the outbox tries again later.
                    fieldfile.storage.delete(fieldfile.name)
                    counts["files"] = counts.get("files", 0) + 1


def _detach(user: Any, counts: dict[str, int]) -> None:
    for declaration in declarations():
        for actor in declaration.acted:
            rows = actor.rows_for(declaration.model, user)
            if actor.erasure is Erasure.DELETE:
                n, _ = rows.delete()
            else:
                n = rows.update(**{actor.path: None})
            _count(counts, declaration.model, n)
        if declaration.erasure not in (Erasure.RETAIN, Erasure.ANONYMISE):
            continue
        if declaration.eraser is not None:
            declaration.eraser(user)
            continue
        link = declaration.link_field()
        if link is None:
            continue
        # Unlinked, and the fields that would say who it was blanked as declared.
        values: dict[str, Any] = {link: None, **declaration.anonymise_to}
        n = declaration.rows_for(user).update(**values)
        _count(counts, declaration.model, n)


def _deletion_order(declarations: list[Declaration]) -> list[Declaration]:
    """Rows that point at other rows go first (a PROTECT or RESTRICT link would refuse),
    rows found through other rows and custom erasers before defaults, the account last."""
    user_model = get_user_model()
    by_model = {d.model: d for d in declarations}
    ordered: list[Declaration] = []
    visiting: set[type[models.Model]] = set()

    def visit(model: type[models.Model]) -> None:
        if model in visiting or by_model[model] in ordered:
            return
        visiting.add(model)
        # Whoever points at this model is deleted before it.
        for other in by_model:
            if other is model:
                continue
            for f in other._meta.concrete_fields:
                if f.is_relation and f.related_model is model:
                    visit(other)
        ordered.append(by_model[model])

    # Rows found through other rows (the admin log's entries about the person's profile,
    # CVs…) first, while those rows still exist.
    start = sorted(
        declarations,
        key=lambda d: (d.model is user_model, not callable(d.about), d.eraser is None),
    )
    for declaration in start:
        visit(declaration.model)
    return ordered


def _delete(user: Any, counts: dict[str, int]) -> None:
    user_model = get_user_model()
    ordered = _deletion_order([d for d in declarations() if d.erasure is Erasure.DELETE])
    for declaration in ordered:
        if declaration.eraser is not None:
            declaration.eraser(user)
            continue
        if declaration.model is user_model:
            end_sessions(user)  # signed-in browsers stop being signed in
        n, _ = declaration.rows_for(user).delete()
        _count(counts, declaration.model, n)


def end_sessions(user: Any, keep: str | None = None) -> None:
    """Delete the person's sessions (all, or all but the session key ``keep``)."""
    declaration = declaration_for(apps.get_model("sessions", "Session"))
    if declaration is not None:
        declaration.rows_for(user).exclude(session_key=keep).delete()


def _queue_final_email(email: str, digest: str, *, language: str = "") -> None:
    queue_email(
        template="privacy/emails/account_erased",
        to=[email],
        context={"support_email": settings.SUPPORT_EMAIL},
        key=f"account-erased:{digest}",
        language=supported(language) or DEFAULT,
    )


def write_journal(digest: str) -> None:
    """Keep the tombstone in the file store too: a database restored from an older
    backup no longer has it, the replay reads it from there."""
    tombstone = Tombstone.objects.filter(subject_hash=digest).first()
    if tombstone is None or tombstone.erased_at is None:
        return
    record = {
        "subject_hash": digest,
        "erased_at": tombstone.erased_at.isoformat(),
        "requested_at": tombstone.requested_at.isoformat() if tombstone.requested_at else None,
    }
    name = f"{JOURNAL_PREFIX}/{digest}.json"
    try:
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(json.dumps(record).encode()))
        Tombstone.objects.filter(pk=tombstone.pk).update(journaled=True)
    except Exception:
        # Retried by the retention job (journal_missing_tombstones).
        logger.warning("erasure: tombstone journal not written yet")


def journal_missing_tombstones() -> int:
    digests = list(
        Tombstone.objects.filter(journaled=False, erased_at__isnull=False).values_list(
            "subject_hash", flat=True
        )[:1000]
    )
    for digest in digests:
        write_journal(digest)
    return len(digests)


def journaled_hashes() -> set[str]:
    """Every tombstone in the file store's journal."""
    try:
        _, files = default_storage.listdir(JOURNAL_PREFIX)
    except (FileNotFoundError, OSError):
        return set()
    return {name.removesuffix(".json") for name in files if name.endswith(".json")}
