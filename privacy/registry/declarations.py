"""The personal-data registry: the engine behind export, erasure, retention and the inventory.

Every installed model is either *declared* (it holds personal data) or *exempt* (with a
reason), in its own app's ``personal_data.py``. ``privacy`` imports only Django and calls back
into each app through the functions the app declares::

    declare(
        Send,
        section="3.1",                       # the policy section it falls under
        category=_("Your sends to recruiters"),
        purpose=_("Why we keep it, in words the person reads."),
        legal_basis=Basis.CONSENT,
        recipients=(_("The recruiters you choose"),),
        about="seeker",                      # ORM path to the person the row is about
        fields=("created_at", "recruiters", "status"),   # what their export holds
        held={"token_hash": _("A hash that only checks links; useless to you.")},
        acted=Actor("approved_by", fields=("created_at",)),  # staff who acted on it
        erasure=Erasure.DELETE,              # or ANONYMISE, or RETAIN (+ legal period)
        retention=Retention.after_event(days=365, field="created_at", event=_("the send")),
    )

Words people read are ``gettext_lazy``; file names (``Declaration.slug``) stay English.
``fields`` + ``held`` must name every field of the model but the link to the person, so a
field nobody thought about fails a test. ``about`` may also be ``""`` (the user) or a callable
``f(user) -> QuerySet`` (e.g. :func:`generic_about`); ``eraser``, ``exporter`` and
``outside`` replace the defaults for a model.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .retention import Retention

# Field names of Django's and allauth's own models, which say what a programmer reads
# ("action flag", "object repr"): in words a person reads instead.
FIELD_WORDS = {
    "action_time": gettext_lazy("when"),
    "action_flag": gettext_lazy("what was done (added, changed or deleted)"),
    "content_type": gettext_lazy("the kind of record"),
    "object_id": gettext_lazy("which record"),
    "object_repr": gettext_lazy("the record's name then"),
    "change_message": gettext_lazy("what changed"),
    "expire_date": gettext_lazy("when it ends"),
    "session_key": gettext_lazy("its key"),
    "session_data": gettext_lazy("what it remembers"),
    "ip": gettext_lazy("IP address"),
    "user_agent": gettext_lazy("browser"),
}

POLICY_SECTIONS: dict[str, str] = {
    "2.1": gettext_noop("Account information"),
    "2.2": gettext_noop("Professional information"),
    "2.3": gettext_noop("Payment information"),
    "2.4": gettext_noop("Communications with us"),
    "2.5": gettext_noop("Public comments on the services"),
    "2.6": gettext_noop("Files you provide us"),
    "2.7": gettext_noop("Usage information"),
    "2.8": gettext_noop("Location information"),
    "2.9": gettext_noop("Cookies and other technologies"),
    "3.1": gettext_noop("Sharing with recruiters"),
    "3.2": gettext_noop("Following the law"),
    "3.3": gettext_noop("Others working for Job Letters"),
    "5": gettext_noop("Retention"),
    "7": gettext_noop("Access"),
}


class Erasure(models.TextChoices):
    DELETE = "delete", gettext_lazy("Deleted")
    ANONYMISE = "anonymise", gettext_lazy("Anonymised: kept without anything that identifies you")
    RETAIN = "retain", gettext_lazy("Kept for a legal reason, detached from you, then deleted")


class Basis(models.TextChoices):
    """The legal basis for holding the data (shown on /privacy/data/ and in exports)."""

    CONTRACT = "contract", gettext_lazy("To provide the service you signed up for")
    CONSENT = "consent", gettext_lazy("Your consent, which you can withdraw")
    LEGAL_OBLIGATION = "legal_obligation", gettext_lazy("A legal obligation")
    LEGITIMATE_INTERESTS = (
        "legitimate_interests",
        gettext_lazy("Our legitimate interest in a safe, working service"),
    )


class Phase(enum.IntEnum):
    """The order of erasure. Each phase is idempotent; a run resumes after the last done."""

    OUTSIDE = 1  # outside systems (the Stripe customer) and stored files
    DETACH = 2  # rows kept (retained, anonymised) lose their link to the person
    DELETE = 3  # rows deleted, the account last
    TOMBSTONE = 4  # what remains: that it happened and when, without personal data


Exporter = Callable[[Any], Iterable[dict[str, Any]]]
Eraser = Callable[[Any], None]
RowsFor = Callable[[Any], models.QuerySet[Any]]


@dataclass(frozen=True)
class Actor:
    """A person who acted on a row about someone else (a staff member granting sends)."""

    path: str
    # What the actor's own export shows of these rows (never the other person's details).
    fields: tuple[str, ...] = ()
    # DELETE the rows with the actor, or ANONYMISE: keep them and unlink the actor.
    erasure: Erasure = Erasure.ANONYMISE
    description: str = ""
    exporter: Exporter | None = None

    def rows_for(self, model: type[models.Model], user: Any) -> models.QuerySet[Any]:
        return model._default_manager.filter(**{self.path: user})


@dataclass(frozen=True)
class AutoHold:
    """A legal hold an app needs right now, on its own section's records."""

    reference: str  # stable, e.g. "dispute:dp_123"
    person_id: int | None
    reason: str


@dataclass(frozen=True)
class Declaration:
    model: type[models.Model]
    section: str
    purpose: str
    fields: tuple[str, ...]
    about: str | RowsFor | None
    erasure: Erasure
    retention: Retention
    category: str = ""
    legal_basis: Basis = Basis.CONTRACT
    recipients: tuple[str, ...] = ()
    held: Mapping[str, str] = field(default_factory=dict)
    acted: tuple[Actor, ...] = ()
    file_fields: tuple[str, ...] = ()
    # Fields set to these values when anonymising (default: "" or None).
    anonymise_to: Mapping[str, Any] = field(default_factory=dict)
    exporter: Exporter | None = None
    # A custom exporter's key for a declared field when it differs from the field's name
    # (e.g. {"snapshot": "what_was_shared"}): the completeness check follows it.
    exported_as: Mapping[str, str] = field(default_factory=dict)
    eraser: Eraser | None = None
    # Phase 1: delete what outside systems hold (e.g. the Stripe customer). Idempotent.
    outside: Eraser | None = None
    # Name of each exported file: f(row, field_name) -> "name.pdf".
    file_name: Callable[[Any, str], str] | None = None
    export_format: str = "json"
    # Holds placed automatically (e.g. by an open payment dispute): f() -> iterable of
    # AutoHold for everyone; privacy.rights.holds keeps LegalHold rows in step with it.
    holds: Callable[[], Iterable[AutoHold]] | None = None

    @property
    def label(self) -> str:
        """In the active language, like every word below."""
        if self.category:
            return str(self.category)
        return str(self.model._meta.verbose_name_plural).capitalize()

    @property
    def slug(self) -> str:
        # The same in every language (model names are translated): it names export files
        # and legal requests store it.
        with translation.override(settings.LANGUAGE_CODE):
            return f"{self.section.replace('.', '-')}-{slugify(self.label)}"

    @property
    def section_words(self) -> str:
        """ "§3.1 Sharing with recruiters", in the active language."""
        return f"§{self.section} {_(POLICY_SECTIONS[self.section])}"

    @property
    def anchor(self) -> str:
        """The section's anchor on the policy page."""
        return "s" + self.section.replace(".", "-")

    def field_labels(self) -> list[str]:
        return [self._field_label(name) for name in self.fields]

    def held_labels(self) -> list[tuple[str, str]]:
        return [(self._field_label(name), str(reason)) for name, reason in self.held.items()]

    def _field_label(self, name: str) -> str:
        if name in FIELD_WORDS:
            return str(FIELD_WORDS[name])
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return name.replace("_", " ")
        return str(getattr(field, "verbose_name", name.replace("_", " ")))  # reverse: none

    def rows_for(self, user: Any) -> models.QuerySet[Any]:
        manager = self.model._default_manager
        if self.about is None:
            return manager.none()
        if callable(self.about):
            return self.about(user)
        if self.about == "":
            return manager.filter(pk=user.pk)
        return manager.filter(**{self.about: user})

    def link_field(self) -> str | None:
        """The first hop of ``about`` (the field a detach sets to NULL)."""
        if not isinstance(self.about, str) or not self.about:
            return None
        return self.about.split("__")[0]

    def structural_fields(self) -> set[str]:
        """Fields that only link the row to the person(s): not exported as data."""
        names = {self.model._meta.pk.name}
        if link := self.link_field():
            names.add(link)
        names.update(actor.path.split("__")[0] for actor in self.acted)
        return names

    def export_rows(self, user: Any) -> Iterator[dict[str, Any]]:
        if self.exporter is not None:
            yield from self.exporter(user)
            return
        meta = self.model._meta
        related = [
            n for n in self.fields if meta.get_field(n).many_to_one or meta.get_field(n).one_to_one
        ]
        many = [n for n in self.fields if meta.get_field(n).many_to_many]
        rows = self.rows_for(user)
        if many:
            rows = rows.prefetch_related(*many)
        # A related row's name is read once per export, for a whole chunk of rows at a
        # time (many rows name the same few: a send's consent), never joined to each row.
        labels: dict[str, dict[Any, Any]] = {name: {} for name in related}
        attnames = {name: _relation(self.model, name).attname for name in related}
        plain = [n for n in self.fields if n not in related]
        chunk: list[Any] = []
        for row in rows.iterator(chunk_size=2000):
            chunk.append(row)
            if len(chunk) == 2000:
                yield from self._export_chunk(chunk, plain, labels, attnames)
                chunk = []
        yield from self._export_chunk(chunk, plain, labels, attnames)

    def _export_chunk(
        self,
        chunk: list[Any],
        plain: list[str],
        labels: dict[str, dict[Any, Any]],
        attnames: dict[str, str],
    ) -> Iterator[dict[str, Any]]:
        for name, known in labels.items():
            wanted = {getattr(row, attnames[name]) for row in chunk} - known.keys() - {None}
            if wanted:
                target = _relation(self.model, name).target_field
                related_model = target.model
                found = related_model._base_manager.filter(**{f"{target.name}__in": wanted})
                for obj in found:
                    known[getattr(obj, target.attname)] = jsonable(obj)
        for row in chunk:
            data = {name: jsonable(getattr(row, name)) for name in plain}
            for name, known in labels.items():
                value = getattr(row, attnames[name])
                data[name] = None if value is None else known.get(value)
            for name in self.file_fields:
                fieldfile = getattr(row, name)
                data[name] = self.archive_path(row, name, fieldfile) if fieldfile else None
            yield data

    def export_keys(self) -> set[str]:
        """The keys every exported record must have (one per declared field)."""
        return {self.exported_as.get(name, name) for name in self.fields}

    def export(self, user: Any) -> list[dict[str, Any]]:
        return list(self.export_rows(user))

    def export_acted(self, user: Any) -> Iterator[dict[str, Any]]:
        for actor in self.acted:
            if actor.exporter is not None:
                yield from actor.exporter(user)
                continue
            for row in actor.rows_for(self.model, user).iterator(chunk_size=2000):
                yield {name: jsonable(getattr(row, name)) for name in actor.fields}

    def stored_files(self, user: Any) -> Iterator[tuple[Any, str, Any]]:
        """(row, field name, FieldFile) for each of the user's stored files of this model."""
        if not self.file_fields:
            return
        for row in self.rows_for(user).iterator(chunk_size=500):
            for name in self.file_fields:
                fieldfile = getattr(row, name)
                if fieldfile:
                    yield row, name, fieldfile

    def archive_path(self, row: Any, name: str, fieldfile: Any) -> str:
        """Where the export ZIP holds this stored file."""
        if self.file_name is not None:
            base = self.file_name(row, name)
        else:
            base = f"{row.pk}-{name}-{str(fieldfile.name).rsplit('/', 1)[-1]}"
        return f"files/{self.slug}/{_safe_name(base)}"


@dataclass(frozen=True)
class Exemption:
    model: type[models.Model]
    reason: str
    # Personal-looking field names that were looked at and hold nothing about people.
    reviewed: tuple[str, ...] = ()


_declarations: dict[type[models.Model], Declaration] = {}
_exemptions: dict[type[models.Model], Exemption] = {}


class DuplicateDeclaration(Exception):
    """A model was declared (or exempted) twice: one app owns each model's entry."""


def declare(model: type[models.Model], **kwargs: Any) -> Declaration:
    """Record what a model holds about people; see the module's documentation."""
    if kwargs.get("section") not in POLICY_SECTIONS:
        raise ValueError(f"{model.__name__}: unknown policy section {kwargs.get('section')!r}")
    if model in _declarations or model in _exemptions:
        raise DuplicateDeclaration(f"{model._meta.label} is already in the privacy registry")
    kwargs["erasure"] = Erasure(kwargs["erasure"])
    kwargs["legal_basis"] = Basis(kwargs.get("legal_basis", Basis.CONTRACT))
    kwargs.setdefault("retention", Retention.account())
    kwargs["fields"] = tuple(kwargs.get("fields", ()))
    kwargs["file_fields"] = tuple(kwargs.get("file_fields", ()))
    kwargs["recipients"] = tuple(kwargs.get("recipients", ()))
    kwargs["held"] = dict(kwargs.get("held", {}))
    kwargs["exported_as"] = dict(kwargs.get("exported_as", {}))
    acted = kwargs.get("acted", ())
    kwargs["acted"] = (acted,) if isinstance(acted, Actor) else tuple(acted)
    declaration = Declaration(model=model, **kwargs)
    for other in _declarations.values():
        if other.slug == declaration.slug:
            # The export writes one file per declaration, named by the slug.
            raise DuplicateDeclaration(
                f"{model._meta.label} and {other.model._meta.label} share the category "
                f"{declaration.label!r} in §{declaration.section}: give one its own"
            )
    _declarations[model] = declaration
    return declaration


def exempt(model: type[models.Model], *, reason: str, reviewed: Iterable[str] = ()) -> None:
    """Record that a model deliberately holds no personal data (and why)."""
    if model in _declarations or model in _exemptions:
        raise DuplicateDeclaration(f"{model._meta.label} is already in the privacy registry")
    _exemptions[model] = Exemption(model=model, reason=reason, reviewed=tuple(reviewed))


def forget(model: type[models.Model]) -> None:
    """Remove a model's entry (tests that declare throw-away models)."""
    _declarations.pop(model, None)
    _exemptions.pop(model, None)


def declarations() -> list[Declaration]:
    return sorted(
        _declarations.values(),
        key=lambda d: ([int(part) for part in d.section.split(".")], d.label),
    )


def declaration_for(model: type[models.Model]) -> Declaration | None:
    return _declarations.get(model)


def exemption_for(model: type[models.Model]) -> Exemption | None:
    return _exemptions.get(model)


def by_section() -> list[tuple[str, str, str, list[Declaration]]]:
    """(number, title, policy anchor, declarations) for each section that has data."""
    grouped: dict[str, list[Declaration]] = {}
    for declaration in declarations():
        grouped.setdefault(declaration.section, []).append(declaration)
    return [
        (s, _(POLICY_SECTIONS[s]), "s" + s.replace(".", "-"), grouped[s])
        for s in POLICY_SECTIONS
        if s in grouped
    ]


def generic_about(
    model: type[models.Model], ct_field: str = "content_type", id_field: str = "object_id"
) -> RowsFor:
    """``about=`` for rows that point at anything (a content type + object id pair).

    The rows about a person are those that point at the person or at any row of a
    declared model that is about them (e.g. the admin log's entries on their profile).
    """

    def rows(user: Any) -> models.QuerySet[Any]:
        # One query: each declared model's rows about the person, as a subquery.
        condition = Q(pk__in=[])
        for declaration in declarations():
            if not isinstance(declaration.about, str):
                continue
            ids = declaration.rows_for(user).values_list(
                Cast("pk", output_field=CharField()), flat=True
            )
            ct = ContentType.objects.get_for_model(declaration.model, for_concrete_model=False)
            condition |= Q(**{ct_field: ct, f"{id_field}__in": ids})
        return model._default_manager.filter(condition)

    return rows


def _relation(model: type[models.Model], name: str) -> models.ForeignKey[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.ForeignKey):
        raise TypeError(f"{model.__name__}.{name} is not a foreign key")
    return field


def _safe_name(name: str) -> str:
    """A file name safe inside a ZIP: no folders, no control characters."""
    cleaned = "".join(ch for ch in name.replace("\\", "/").split("/")[-1] if ch.isprintable())
    return cleaned.strip().lstrip(".") or "file"


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    if isinstance(value, models.Manager):
        return [str(v) for v in value.all()]
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, timedelta):
        return value.total_seconds()
    return str(value)
