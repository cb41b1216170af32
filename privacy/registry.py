"""The personal-data registry: what Job Letters holds about people, under which
policy section, how it is exported and erased, and for how long it is kept.

Every model that points to a user (directly or through a chain of foreign keys)
or that holds a personal-looking field must be covered here, either by a
:class:`PersonalData` declaration or by an :func:`exempt` entry with a reason.
``tests/privacy/test_registry.py`` walks every installed model and fails on a
gap, and ``/privacy/data/`` is rendered from the same declarations.

Declare a model next to it::

    @personal_data(
        section="2.6",
        purpose="Your CV, sent to the recruiters you choose.",
        fields=("original_name", "file", "text"),
        user_path="owner",
        erasure=Erasure.DELETE,
        retention="Until you delete it or your account.",
    )
    class CV(models.Model): ...

Third-party models are declared with :func:`declare` from the app that uses them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

POLICY_SECTIONS: dict[str, str] = {
    "2.1": "Account information",
    "2.2": "Professional information",
    "2.3": "Payment information",
    "2.4": "Communications with us",
    "2.5": "Public comments on the services",
    "2.6": "Files you provide us",
    "2.7": "Usage information",
    "2.8": "Location information",
    "2.9": "Cookies and other technologies",
    "3.1": "Sharing with recruiters",
    "3.2": "Following the law",
}


class Erasure(enum.StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    RETAIN = "retain"

    @property
    def label(self) -> str:
        return {
            "delete": "Deleted",
            "anonymise": "Anonymised: kept without anything that identifies you",
            "retain": "Kept for a legal reason, detached from you, then deleted",
        }[self.value]


Exporter = Callable[[Any], Iterable[dict[str, Any]]]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    section: str
    purpose: str
    fields: tuple[str, ...]
    # ORM lookup from this model to the user ("" when the model is the user);
    # None for personal data of people who have no account (e.g. recruiters).
    user_path: str | None
    erasure: Erasure
    retention: str
    file_fields: tuple[str, ...] = ()
    # Fields set to these values when anonymising (default: "" or None).
    anonymise_to: dict[str, Any] = field(default_factory=dict)
    exporter: Exporter | None = None
    eraser: Eraser | None = None
    category: str = ""

    @property
    def label(self) -> str:
        return self.category or str(self.model._meta.verbose_name_plural).capitalize()

    @property
    def section_title(self) -> str:
        return POLICY_SECTIONS[self.section]

    def field_labels(self) -> list[str]:
        labels = []
        for name in self.fields:
            try:
                labels.append(str(self.model._meta.get_field(name).verbose_name))
            except Exception:
                labels.append(name.replace("_", " "))
        return labels

    def rows_for(self, user: Any) -> models.QuerySet:
        if self.user_path is None:
            return self.model._default_manager.none()
        if self.user_path == "":
            return self.model._default_manager.filter(pk=user.pk)
        return self.model._default_manager.filter(**{self.user_path: user})

    def export(self, user: Any) -> list[dict[str, Any]]:
        if self.exporter is not None:
            return list(self.exporter(user))
        return [
            {name: _jsonable(getattr(row, name)) for name in self.fields}
            for row in self.rows_for(user)
        ]

    def stored_files(self, user: Any) -> Iterator[Any]:
        """The user's stored files of this model (FieldFile objects)."""
        if not self.file_fields:
            return
        for row in self.rows_for(user):
            for name in self.file_fields:
                fieldfile = getattr(row, name)
                if fieldfile:
                    yield fieldfile


@dataclass(frozen=True)
class Exemption:
    model: type[models.Model]
    reason: str


_declarations: dict[type[models.Model], PersonalData] = {}
_exemptions: dict[type[models.Model], Exemption] = {}


def declare(model: type[models.Model], **kwargs: Any) -> PersonalData:
    if "erasure" in kwargs:
        kwargs["erasure"] = Erasure(kwargs["erasure"])
    if kwargs.get("section") not in POLICY_SECTIONS:
        raise ValueError(f"{model.__name__}: unknown policy section {kwargs.get('section')!r}")
    kwargs["fields"] = tuple(kwargs.get("fields", ()))
    kwargs["file_fields"] = tuple(kwargs.get("file_fields", ()))
    declaration = PersonalData(model=model, **kwargs)
    _declarations[model] = declaration
    return declaration


def personal_data(**kwargs: Any) -> Callable[[type[models.Model]], type[models.Model]]:
    """Class decorator form of :func:`declare`, to sit on the model itself."""

    def decorator(model: type[models.Model]) -> type[models.Model]:
        declare(model, **kwargs)
        return model

    return decorator


def exempt(model: type[models.Model], *, reason: str) -> None:
    """Record that a model deliberately holds no personal data (and why)."""
    _exemptions[model] = Exemption(model=model, reason=reason)


def declarations() -> list[PersonalData]:
    return sorted(_declarations.values(), key=lambda d: (d.section, d.label))


def declaration_for(model: type[models.Model]) -> PersonalData | None:
    return _declarations.get(model)


def exemption_for(model: type[models.Model]) -> Exemption | None:
    return _exemptions.get(model)


def by_section() -> list[tuple[str, str, str, list[PersonalData]]]:
    """(number, title, policy anchor, declarations) for each section that has data."""
    grouped: dict[str, list[PersonalData]] = {}
    for declaration in declarations():
        grouped.setdefault(declaration.section, []).append(declaration)
    return [
        (s, POLICY_SECTIONS[s], "s" + s.replace(".", "-"), grouped[s])
        for s in POLICY_SECTIONS
        if s in grouped
    ]


# --- Coverage check --------------------------------------------------------------

PERSONAL_FIELD_TYPES: tuple[type[models.Field], ...] = (
    models.EmailField,
    models.GenericIPAddressField,
    models.FileField,
)
PERSONAL_FIELD_NAMES = {"PhoneNumberField", "CountryField"}
PERSONAL_NAME = re.compile(
    r"(^|_)(name|email|phone|address|postal|postcode|zip|ip|user_agent|city|linkedin|"
    r"birth|cv|resume|letter|country|location|latitude|longitude)($|_)"
)


def points_to_user(model: type[models.Model], _seen: frozenset = frozenset()) -> bool:
    """True when the model has a forward relation to the user, directly or via a chain."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    if model is user_model:
        return True
    if model in _seen:
        return False
    seen = _seen | {model}
    for f in model._meta.get_fields():
        if not f.is_relation or (f.auto_created and not f.concrete):
            continue
        related = f.related_model
        if related is None or related == "self" or isinstance(related, str):
            # A GenericForeignKey can point anywhere, including a user.
            if f.__class__.__name__ == "GenericForeignKey":
                return True
            continue
        if related is user_model or points_to_user(related, seen):
            return True
    return False


def personal_looking_fields(model: type[models.Model]) -> list[str]:
    names = []
    for f in model._meta.concrete_fields:
        if f.is_relation:
            continue
        by_type = isinstance(f, PERSONAL_FIELD_TYPES) or type(f).__name__ in PERSONAL_FIELD_NAMES
        if by_type or PERSONAL_NAME.search(f.name):
            names.append(f.name)
    return names


def coverage_problems(models_to_check: Iterable[type[models.Model]] | None = None) -> list[str]:
    """Every model that holds or leads to personal data without a declaration."""
    problems = []
    for model in models_to_check if models_to_check is not None else apps.get_models():
        label = model._meta.label
        declaration = _declarations.get(model)
        exemption = _exemptions.get(model)
        if declaration and exemption:
            problems.append(f"{label} is both declared and exempt")
            continue
        if exemption:
            if not exemption.reason.strip():
                problems.append(f"{label} is exempt without a reason")
            continue
        looks_personal = personal_looking_fields(model)
        if declaration is None:
            if points_to_user(model):
                problems.append(f"{label} points to a user but is not in the registry")
            elif looks_personal:
                problems.append(
                    f"{label} has personal-looking fields {looks_personal} "
                    "but is not in the registry"
                )
            continue
        field_names = {f.name for f in model._meta.get_fields()}
        for name in (*declaration.fields, *declaration.file_fields):
            if name not in field_names and declaration.exporter is None:
                problems.append(f"{label} declares unknown field {name!r}")
        undeclared = [n for n in looks_personal if n not in declaration.fields]
        if undeclared:
            problems.append(f"{label} has undeclared personal fields {undeclared}")
        if declaration.erasure is Erasure.ANONYMISE and declaration.user_path not in (None, ""):
            first_hop = declaration.user_path.split("__")[0]
            relation = model._meta.get_field(first_hop)
            if not getattr(relation, "null", False) and declaration.eraser is None:
                problems.append(f"{label} is anonymised but {first_hop} is not nullable")
    return problems


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
