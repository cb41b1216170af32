"""Email preferences: every change is a row in the consent ledger, with the words shown.

The current choice is read by ``communications.categories`` (newest row per
purpose, else the category's default); this module only records changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from privacy.consent import record_consent

from .categories import OPTIONAL, Category, choices_of

PAGE_REFERENCE = "email-preferences"
LINK_REFERENCE = "email-unsubscribe-link"


def preference_words(category: Category, wanted: bool) -> str:
    """What the preferences page shows for a category, and the choice made."""
    choice = "Yes, email me these." if wanted else "No, do not email me these."
    return f"{category.label}: {category.description} {choice}"


def unsubscribe_words(category: Category) -> str:
    """What the one-click page (or a mail client's unsubscribe button) stands for."""
    return (
        f"Unsubscribe from {category.label.lower()} (the unsubscribe link in an email). "
        f"{category.description}"
    )


def _lock(person: Any) -> None:
    # One change at a time per person (two tabs, a double click, a mail client's retry).
    get_user_model()._default_manager.select_for_update().filter(pk=person.pk).first()


def set_email_preferences(*, person: Any, wanted: Mapping[Category, bool]) -> list[Category]:
    """Record the choices that changed; returns the categories that did."""
    changed = []
    with transaction.atomic():
        _lock(person)
        current = choices_of(person)
        for category in OPTIONAL:
            if category not in wanted or bool(wanted[category]) == current[category]:
                continue
            record_consent(
                person=person,
                purpose=category.purpose,
                granted=bool(wanted[category]),
                text=preference_words(category, bool(wanted[category])),
                reference=PAGE_REFERENCE,
            )
            changed.append(category)
    return changed


def unsubscribe(*, person: Any, category: Category) -> bool:
    """Stop a category now (idempotent); True when this call changed anything."""
    if category not in OPTIONAL:
        raise ValueError("Account and transaction emails cannot be unsubscribed from.")
    with transaction.atomic():
        _lock(person)
        if not choices_of(person)[category]:
            return False
        record_consent(
            person=person,
            purpose=category.purpose,
            granted=False,
            text=unsubscribe_words(category),
            reference=LINK_REFERENCE,
        )
    return True
