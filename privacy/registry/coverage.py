"""The registry's coverage: every model declared or exempt, every field accounted for.

``manage.py check`` (``privacy.checks``), the tests and each export run these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from .declarations import Declaration, Erasure, _declarations, _exemptions, declarations

PERSONAL_FIELD_TYPES: tuple[type[models.Field[Any, Any]], ...] = (
    models.EmailField,
    models.GenericIPAddressField,
    models.FileField,
)
PERSONAL_FIELD_NAMES = {"PhoneNumberField", "CountryField"}
PERSONAL_NAME = re.compile(
    r"(^|_)(name|surname|username|email|phone|telephone|mobile|address|postal|postcode|zip|"
    r"ip|ipaddr|remote_addr|user_agent|useragent|city|linkedin|birth|dob|passport|passport_no|"
    r"cv|resume|letter|country|location|latitude|longitude)($|_)"
)
# An integer column that stores a person's id without a foreign key.
USER_ID_NAME = re.compile(r"(^|_)(user|person|owner|seeker|staff|author|actor|member)(_id|id)$")
# Free-form JSON that can swallow anything.
JSON_DETAIL_NAME = re.compile(r"(^|_)(detail|details|data|extra|meta|metadata|payload|context)$")


def points_to_user(
    model: type[models.Model], _seen: frozenset[type[models.Model]] = frozenset()
) -> bool:
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
    """Field names that look like personal data (a warning, on top of total coverage)."""
    names = []
    field_names = {f.name for f in model._meta.concrete_fields}
    for f in model._meta.concrete_fields:
        if f.is_relation:
            continue
        by_type = isinstance(f, PERSONAL_FIELD_TYPES) or type(f).__name__ in PERSONAL_FIELD_NAMES
        integer_id = isinstance(f, models.IntegerField) and bool(USER_ID_NAME.search(f.name))
        json_detail = isinstance(f, models.JSONField) and bool(JSON_DETAIL_NAME.search(f.name))
        generic_id = f.name.endswith("object_id") and (
            f.name.replace("object_id", "content_type") in field_names
            or "content_type_id" in {g.attname for g in model._meta.concrete_fields}
        )
        if by_type or PERSONAL_NAME.search(f.name) or integer_id or json_detail or generic_id:
            names.append(f.name)
    return names


def unaccounted_fields(declaration: Declaration) -> list[str]:
    """Fields neither exported nor held-but-not-exported (nor a link to the person)."""
    covered = set(declaration.fields) | set(declaration.held) | declaration.structural_fields()
    covered |= set(declaration.file_fields)
    meta = declaration.model._meta
    return [f.name for f in (*meta.concrete_fields, *meta.many_to_many) if f.name not in covered]


def coverage_problems(models_to_check: Iterable[type[models.Model]] | None = None) -> list[str]:
    """Every gap that makes the registry wrong: the check that tests and exports run.

    Every model is declared or exempt with a reason; a declaration names each of its
    fields as exported or held (with a reason); an anonymised or retained row can be
    detached from the person.
    """
    problems = []
    for model in models_to_check if models_to_check is not None else apps.get_models():
        label = model._meta.label
        declaration = _declarations.get(model)
        exemption = _exemptions.get(model)
        if exemption is not None:
            if not exemption.reason.strip():
                problems.append(f"{label} is exempt without a reason")
            continue
        if declaration is None:
            if points_to_user(model):
                problems.append(f"{label} points to a user but is not in the registry")
            elif looks := personal_looking_fields(model):
                problems.append(
                    f"{label} has personal-looking fields {looks} but is not in the registry"
                )
            else:
                problems.append(f"{label} is neither declared nor exempt")
            continue
        problems.extend(_declaration_problems(declaration))
    return problems


def _declaration_problems(declaration: Declaration) -> list[str]:
    model = declaration.model
    label = model._meta.label
    problems = []
    field_names = {f.name for f in model._meta.get_fields()}
    custom = declaration.exporter is not None
    for name in (*declaration.fields, *declaration.file_fields, *declaration.held):
        if name not in field_names and not custom:
            problems.append(f"{label} declares unknown field {name!r}")
    for name, reason in declaration.held.items():
        if not str(reason).strip():
            problems.append(f"{label} holds {name!r} without saying why it is not exported")
    if missing := unaccounted_fields(declaration):
        problems.append(f"{label} has fields neither exported nor held: {missing}")
    link = declaration.link_field()
    needs_detach = declaration.erasure in (Erasure.ANONYMISE, Erasure.RETAIN)
    nullable_link = link is not None and getattr(model._meta.get_field(link), "null", False)
    if needs_detach and link and declaration.eraser is None and not nullable_link:
        kind = "anonymised" if declaration.erasure is Erasure.ANONYMISE else "retained"
        problems.append(f"{label} is {kind} but {link} is not nullable")
    for actor in declaration.acted:
        first = actor.path.split("__")[0]
        direct = actor.erasure is Erasure.ANONYMISE and "__" not in actor.path
        if direct and not getattr(model._meta.get_field(first), "null", False):
            problems.append(f"{label}: the actor link {first} is not nullable")
    if declaration.erasure is Erasure.RETAIN and not declaration.retention.enforceable:
        problems.append(f"{label} is retained without a legal period the retention job enforces")
    return problems


def coverage_warnings(models_to_check: Iterable[type[models.Model]] | None = None) -> list[str]:
    """Things a person should look at: personal-looking names in exempt models."""
    warnings = []
    for model in models_to_check if models_to_check is not None else apps.get_models():
        label = model._meta.label
        if (exemption := _exemptions.get(model)) is not None:
            looks = [n for n in personal_looking_fields(model) if n not in exemption.reviewed]
            if looks:
                warnings.append(f"{label} is exempt but has personal-looking fields {looks}")
            if points_to_user(model):
                warnings.append(f"{label} is exempt but points to a user")
    return warnings


def export_gaps() -> list[str]:
    """What an export could not prove it covers (checked before each export)."""
    gaps = ((d.model._meta.label, unaccounted_fields(d)) for d in declarations())
    return [f"{label}: {missing}" for label, missing in gaps if missing]
