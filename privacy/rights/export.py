"""The copy of a person's data (§7): one ZIP, built by a worker with constant memory.

``data/<section>-<category>.json`` per registry category (what it is, then the records),
``files/…`` the files they gave us, ``manifest.json`` every file with its size and SHA-256,
``README.txt`` every file in words. Words are in the person's language; JSON keys, values,
file names and the manifest's keys are the same in every language.

Records are read in chunks, files copied in pieces and the ZIP (zipstream-ng) streamed to the
file store, so memory stays flat. A declared field left out fails the export instead of
handing over an incomplete copy.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import textwrap
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from zipstream import ZipStream

from jobletters import outbox
from jobletters.lib.files import generate_key
from jobletters.lib.languages import person_language
from privacy import promises
from privacy.models import ExportRequest
from privacy.registry import coverage
from privacy.registry.declarations import Declaration, declarations, jsonable

logger = logging.getLogger(__name__)

FORMAT = "job-letters-export/1"
_CHUNK = 1024 * 1024
_JSON_BUFFER = 64 * 1024


class ExportIncomplete(Exception):
    """The registry or an exporter left a declared field out: no partial copy is handed over."""


@dataclass
class ArchivedFile:
    path: str
    kind: str  # "data" or "file"
    category: str = ""
    policy_section: str = ""
    records: int | None = None
    bytes: int = 0
    sha256: str = ""
    description: str = ""  # for the README, not the manifest


@dataclass
class ExportPlan:
    user: Any
    declarations: list[Declaration]
    files: list[ArchivedFile] = field(default_factory=list)
    progress: Callable[[int, str], None] = lambda percent, step: None
    total_steps: int = 1
    done_steps: int = 0
    # The README's opening lines, when the archive is not the person's own copy (e.g.
    # the data handed over for a legal request, privacy.accountability.legal).
    readme_intro: list[str] | None = None

    def step(self, words: str) -> None:
        self.done_steps += 1
        percent = min(95, int(95 * self.done_steps / max(self.total_steps, 1)))
        self.progress(percent, words)


def _hashed(entry: ArchivedFile, chunks: Iterable[bytes]) -> Iterator[bytes]:
    digest = hashlib.sha256()
    for chunk in chunks:
        if chunk:
            digest.update(chunk)
            entry.bytes += len(chunk)
            yield chunk
    entry.sha256 = digest.hexdigest()


def _buffered(pieces: Iterable[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= _JSON_BUFFER:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _language() -> str:
    """The language the copy's words are in (the active one)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def _category_json(
    plan: ExportPlan, declaration: Declaration, entry: ArchivedFile
) -> Iterator[bytes]:
    """The category's JSON document, streamed record by record, checked as it goes."""
    # Keys in English (machine-readable), words in the active language, all plain str.
    header: dict[str, Any] = {
        "category": str(declaration.label),
        "policy_section": declaration.section_words,
        "purpose": str(declaration.purpose),
        "legal_basis": str(declaration.legal_basis.label),
        "recipients": [str(r) for r in declaration.recipients],
        "retention": str(declaration.retention.words()),
        "when_you_delete_your_account": str(declaration.erasure.label),
        "fields": {
            declaration.exported_as.get(name, name): str(label)
            for name, label in zip(declaration.fields, declaration.field_labels(), strict=True)
        },
        "held_but_not_exported": {name: str(reason) for name, reason in declaration.held.items()},
    }
    for name in declaration.file_fields:
        header["fields"][name] = _("%(field)s (the file, in this archive)") % {
            "field": declaration._field_label(name)
        }
    opening = json.dumps(header, ensure_ascii=False, indent=1)[:-2]
    yield (opening + ',\n "records": [').encode()
    wanted = declaration.export_keys()
    count = 0
    # One read-only transaction per category: on PostgreSQL the rows then stream through
    # a plain server-side cursor (outside one, Django declares it WITH HOLD, which copies
    # the whole result at the first fetch). Progress is written between categories.
    with transaction.atomic():
        for record in declaration.export_rows(plan.user):
            if missing := wanted - set(record):
                raise ExportIncomplete(
                    f"{declaration.model._meta.label}: exported without {sorted(missing)}"
                )
            yield (("\n  " if count == 0 else ",\n  ") + _ENCODER.encode(record)).encode()
            count += 1
    if count == 0 and declaration.exporter is not None and declaration.rows_for(plan.user).exists():
        raise ExportIncomplete(f"{declaration.model._meta.label}: rows exist but none exported")
    yield b"\n ]"
    if declaration.acted:
        yield b',\n "your_actions_as_staff": ['
        for n, record in enumerate(declaration.export_acted(plan.user)):
            yield (("\n  " if n == 0 else ",\n  ") + _ENCODER.encode(record)).encode()
        yield b"\n ]"
    yield b"\n}\n"
    entry.records = count
    plan.step(_("Exported: %(category)s") % {"category": declaration.label})


# Plain values go straight through; only dates, files, models… are converted.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=jsonable)


def _file_chunks(plan: ExportPlan, fieldfile: Any, words: str) -> Iterator[bytes]:
    with fieldfile.storage.open(fieldfile.name, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk
    plan.step(words)


def _manifest(plan: ExportPlan) -> Iterator[bytes]:
    document = {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        # The language of the words (descriptions, README); keys and names are English.
        "language": _language(),
        "site": settings.SITE_URL,
        "files": [{k: v for k, v in asdict(f).items() if k != "description"} for f in plan.files],
    }
    yield json.dumps(document, ensure_ascii=False, indent=1).encode()


def _wrapped(paragraph: str) -> list[str]:
    return textwrap.wrap(paragraph, width=88, break_on_hyphens=False)


def _readme(plan: ExportPlan) -> Iterator[bytes]:
    now = timezone.now()
    lines = plan.readme_intro or [
        _("Your data from %(site)s") % {"site": settings.SITE_NAME},
        "=" * 40,
        "",
        *_wrapped(
            _(
                "Made on %(date)s at %(time)s UTC at your request (privacy policy §7, "
                "%(url)s). It holds everything we hold about you, except the few fields "
                "each part names as held but not included, with the reason; each part is "
                "explained below with the section of our privacy policy it falls under."
            )
            % {
                "date": now.date().isoformat(),
                "time": f"{now:%H:%M}",
                "url": f"{settings.SITE_URL}/privacy/#s7",
            }
        ),
        "",
        *_wrapped(
            _(
                "manifest.json lists every file with its size and SHA-256 checksum, for "
                "programs. Each file under data/ is JSON: the category's purpose, legal basis, "
                "who receives it, how long we keep it, what each field means, the fields we "
                "hold but do not include (and why), then your records. files/ holds the files "
                "you gave us, as you gave them, and the copies we made of them (the checked "
                "copy of a CV that recruiters receive)."
            )
        ),
        "",
        *_wrapped(
            _(
                "The descriptions are in the language of your account (%(language)s). The "
                "names of the files and of the fields (the JSON keys) are in English in every "
                "language, so that programs read every copy the same way."
            )
            % {"language": translation.get_language_info(_language())["name_local"]}
        ),
        "",
    ]
    for f in plan.files:
        lines.append(f.path)
        lines.append(f"    {f.description}")
        if f.records is not None:
            lines.append("    " + _("Records: %(count)d") % {"count": f.records})
        lines.append("")
    lines += [
        _("Questions, or something missing? Write to %(address)s.")
        % {"address": settings.SUPPORT_EMAIL},
        "",
    ]
    yield "\n".join(lines).encode()


def build_archive(plan: ExportPlan) -> Iterator[bytes]:
    """The whole ZIP as a stream of bytes."""
    if gaps := coverage.export_gaps():
        raise ExportIncomplete("Fields neither exported nor held: " + "; ".join(gaps))
    # Stored files (PDF, DOCX) are compressed already and are stored as they are; JSON
    # compresses well even at the fastest level.
    archive = ZipStream(compress_type=zipfile.ZIP_STORED)
    for declaration in plan.declarations:
        entry = ArchivedFile(
            path=f"data/{declaration.slug}.json",
            kind="data",
            category=declaration.label,
            policy_section=declaration.section_words,
            description=_(
                "%(category)s (%(section)s). %(purpose)s Legal basis: %(basis)s. "
                "Kept: %(retention)s"
            )
            % {
                "category": declaration.label,
                "section": declaration.section_words,
                "purpose": declaration.purpose,
                "basis": declaration.legal_basis.label,
                "retention": declaration.retention.words(),
            },
        )
        plan.files.append(entry)
        archive.add(
            _hashed(entry, _buffered(_category_json(plan, declaration, entry))),
            entry.path,
            compress_type=zipfile.ZIP_DEFLATED,
            compress_level=1,
        )
        for row, name, fieldfile in declaration.stored_files(plan.user):
            path = declaration.archive_path(row, name, fieldfile)
            file_entry = ArchivedFile(
                path=path,
                kind="file",
                category=declaration.label,
                policy_section=declaration.section_words,
                description=_("%(file)s: %(category)s (%(section)s).")
                % {
                    "file": capfirst(declaration._field_label(name)),
                    "category": declaration.label,
                    "section": declaration.section_words,
                },
            )
            plan.files.append(file_entry)
            archive.add(
                _hashed(
                    file_entry,
                    _file_chunks(plan, fieldfile, _("Copied %(path)s") % {"path": path}),
                ),
                path,
            )
    archive.add(_manifest(plan), "manifest.json", compress_type=zipfile.ZIP_DEFLATED)
    archive.add(_readme(plan), "README.txt", compress_type=zipfile.ZIP_DEFLATED)
    yield from archive


def _may_hold_something_of(declaration: Declaration, user: Any) -> bool:
    """False for a category no row of which can be about this person (the recruiter
    directory, staff records), unless they acted on it as staff: an empty file about
    others would only puzzle the reader."""
    if declaration.about is not None or declaration.exporter is not None:
        return True
    return any(actor.rows_for(declaration.model, user).exists() for actor in declaration.acted)


def plan_for(user: Any, progress: Callable[[int, str], None]) -> ExportPlan:
    held = [d for d in declarations() if _may_hold_something_of(d, user)]
    plan = ExportPlan(user=user, declarations=held, progress=progress)
    files = sum(1 for d in held for _ in d.stored_files(user))
    plan.total_steps = len(held) + files
    return plan


class _StreamReader(io.RawIOBase):
    """A read-only file over an iterator of bytes (what storages upload from)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def write_archive(plan: ExportPlan, *, name: str, storage: Storage | None = None) -> int:
    """Stream the ZIP into the file store under ``name``; returns its size in bytes."""
    storage = storage or default_storage
    storage.delete(name)  # left by an earlier attempt that died
    reader = io.BufferedReader(_StreamReader(build_archive(plan)), buffer_size=_CHUNK)
    saved = storage.save(name, File(reader, name=name))
    if saved != name:
        raise ExportIncomplete(f"The store saved the copy as {saved!r}, not {name!r}")
    return storage.size(name)


def build_export(*, export_id: int, file_key: str) -> ExportRequest | None:
    """The worker's job: build the ZIP, store it, mark the request ready. Idempotent."""
    export = ExportRequest.objects.select_related("person").filter(pk=export_id).first()
    if export is None or export.state in (ExportRequest.State.READY, ExportRequest.State.EXPIRED):
        return export
    # The whole copy is written in the person's saved language (the archive is a lazy
    # stream: every word is produced while write_archive runs, inside the override).
    with translation.override(person_language(export.person)):
        return _build(export, export_id=export_id, file_key=file_key)


def _build(export: ExportRequest, *, export_id: int, file_key: str) -> ExportRequest:
    now = timezone.now()
    ExportRequest.objects.filter(pk=export_id).update(
        state=ExportRequest.State.BUILDING, started_at=now, progress=1, step=_("Starting"), error=""
    )

    def progress(percent: int, step: str) -> None:
        ExportRequest.objects.filter(pk=export_id).update(progress=percent, step=step[:200])

    plan = plan_for(export.person, progress)
    size = write_archive(plan, name=file_key)
    finished = timezone.now()
    ExportRequest.objects.filter(pk=export_id).update(
        state=ExportRequest.State.READY,
        file=file_key,
        size=size,
        progress=100,
        step=_("Ready"),
        finished_at=finished,
        expires_at=finished + timedelta(days=promises.EXPORT_EXPIRY_DAYS),
    )
    export.refresh_from_db()
    logger.info("export: ready (%d files)", len(plan.files))
    return export


class ExportTooSoon(Exception):
    """One copy per interval; ``available_at`` says when the next can be asked for."""

    def __init__(self, available_at: datetime) -> None:
        super().__init__(f"The next copy can be requested from {available_at:%Y-%m-%d %H:%M}.")
        self.available_at = available_at


BUILD_EXPORT = "privacy.build_export"


def next_export_at(*, user: Any) -> datetime | None:
    """When the person may ask for another copy (None: now). Failed ones do not count."""
    last = (
        ExportRequest.objects.filter(person=user)
        .exclude(state=ExportRequest.State.FAILED)
        .order_by("-requested_at")
        .values_list("requested_at", flat=True)
        .first()
    )
    if last is None:
        return None
    available = last + timedelta(hours=promises.EXPORT_INTERVAL_HOURS)
    return available if available > timezone.now() else None


def request_export(*, user: Any) -> ExportRequest:
    """Ask for a copy of everything: a worker builds it (privacy.tasks)."""
    with transaction.atomic():
        # One request at a time per person, even from two tabs.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        if available_at := next_export_at(user=user):
            raise ExportTooSoon(available_at)
        export = ExportRequest.objects.create(person=user)
        outbox.defer(
            BUILD_EXPORT,
            {"export_id": export.pk, "file_key": generate_key("exports", "zip")},
            key=f"export:{export.pk}",
            person=user,
        )
    return export


def exports_of(user: Any) -> QuerySet[ExportRequest]:
    """A person's export requests: the only way views reach one (another's is a 404)."""
    return ExportRequest.objects.filter(person=user)


def mark_export_downloaded(*, export: ExportRequest) -> None:
    if export.downloaded_at is None:
        export.downloaded_at = timezone.now()
        export.save(update_fields=["downloaded_at"])


def expire_exports(now: datetime) -> int:
    """Copies of data are deleted when they expire (the request row stays)."""
    expired = 0
    due = ExportRequest.objects.filter(
        state=ExportRequest.State.READY, expires_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due[:1000]):
        with transaction.atomic():
            export = ExportRequest.objects.select_for_update().filter(pk=pk).first()
            if export is None or export.state != ExportRequest.State.READY:
                continue
            if export.file:
                export.file.storage.delete(export.file.name)
            export.file = ""
            export.state = ExportRequest.State.EXPIRED
            export.save(update_fields=["file", "state"])
            expired += 1
    return expired
