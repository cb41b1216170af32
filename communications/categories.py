"""Kinds of email, what each person chose to receive, and one-click unsubscribe links (§8).

Account and transaction emails are always sent (``jobletters.lib.emails``). Service
announcements are on unless the person turns them off (the policy says we may send them);
marketing is opt-in. A choice is the person's newest consent-ledger row for the category's
purpose, else the default; a frozen, inactive or unconfirmed account receives neither.
:func:`queue_email` adds the RFC 2919 / 8058 list headers and a visible unsubscribe link,
and :func:`send_if_wanted` asks again just before the email leaves. The unsubscribe token
is signed (its own salt) and names the person, the category and when the account was made,
so it outlives neither an erased account nor a reused id.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jobletters import outbox
from jobletters.lib import emails
from jobletters.lib.languages import email_language
from jobletters.lib.mailing import SKIPPED
from jobletters.models import OutboxEntry

logger = logging.getLogger(__name__)

# The outbox kind of emails people chose to receive (sent by communications.tasks).
EMAIL_KIND = "communications.send_email"


class Category(enum.StrEnum):
    TRANSACTIONAL = "transactional"
    ANNOUNCEMENTS = "announcements"
    MARKETING = "marketing"

    @property
    def spec(self) -> CategorySpec:
        return SPECS[self]

    @property
    def label(self) -> str:
        """In the active language."""
        return str(self.spec.label)

    @property
    def description(self) -> str:
        """In the active language."""
        return str(self.spec.description)

    @property
    def is_transactional(self) -> bool:
        return self is Category.TRANSACTIONAL

    @property
    def purpose(self) -> str:
        """The consent-ledger purpose that holds people's choice (optional categories)."""
        if self.spec.purpose is None:
            raise ValueError(f"{self.value} emails are always sent: there is no choice to record")
        return self.spec.purpose


@dataclass(frozen=True)
class CategorySpec:
    label: str | Promise
    description: str | Promise
    # The consent-ledger purpose that holds the person's choice (None: always sent).
    purpose: str | None
    # The choice of someone who never said anything.
    default: bool


SPECS: dict[Category, CategorySpec] = {
    Category.TRANSACTIONAL: CategorySpec(
        label=_("Account and transaction emails"),
        description=_(
            "Confirming your address, sign-in codes and security notices, receipts, "
            "copies of your data and deletion notices, and answers to your support inquiries. "
            "Always sent: your account needs them."
        ),
        purpose=None,
        default=True,
    ),
    Category.ANNOUNCEMENTS: CategorySpec(
        label=_("Service announcements"),
        description=_(
            "Occasional news about Job Letters itself: changes to the service, "
            "planned maintenance and new features. On unless you turn them off."
        ),
        purpose="email_announcements",
        default=True,
    ),
    Category.MARKETING: CategorySpec(
        label=_("Tips and offers"),
        description=_(
            "Marketing emails: job-hunting tips, offers and promotions. "
            "Off unless you turn them on."
        ),
        purpose="email_marketing",
        default=False,
    ),
}

# Categories a person can turn on or off (everything but transactional emails).
OPTIONAL: tuple[Category, ...] = (Category.ANNOUNCEMENTS, Category.MARKETING)

UNSUBSCRIBE_SALT = "jobletters.email.unsubscribe"


# --- What a person chose ------------------------------------------------------------------


def _latest_choice(category: Category, person: Any) -> Subquery:
    from privacy.models import Consent

    return Subquery(
        Consent.objects.filter(person=person, purpose=category.spec.purpose)
        .order_by("-created_at", "-pk")
        .values("granted")[:1],
        output_field=BooleanField(),
    )


def choices_of(person: Any) -> dict[Category, bool]:
    """The person's current choice for every optional category, in one query."""
    names = {category: f"choice_{category.value}" for category in OPTIONAL}
    row = (
        get_user_model()
        ._default_manager.filter(pk=person.pk)
        .annotate(**{name: _latest_choice(c, OuterRef("pk")) for c, name in names.items()})
        .values(*names.values())
        .first()
        or {}
    )
    return {
        category: (choice if (choice := row.get(name)) is not None else category.spec.default)
        for category, name in names.items()
    }


def recipients_for(category: Category | str) -> QuerySet[Any]:
    """Everyone who may receive an email of this category now (announcements' audience).

    Active accounts with a confirmed address, not waiting to be deleted, whose
    choice (or the default) says yes.
    """
    from allauth.account.models import EmailAddress

    from privacy.rights.freeze import frozen_people

    category = Category(category)
    people = (
        get_user_model()
        ._default_manager.filter(is_active=True)
        .filter(
            Exists(
                EmailAddress.objects.filter(
                    user=OuterRef("pk"), verified=True, email__iexact=OuterRef("email")
                )
            )
        )
        .exclude(pk__in=frozen_people())
    )
    if category.is_transactional:
        return people
    wants = Q(email_choice=True)
    if category.spec.default:  # or said nothing
        wants |= Q(email_choice__isnull=True)
    return people.annotate(email_choice=_latest_choice(category, OuterRef("pk"))).filter(wants)


def may_receive(person: Any, category: Category | str) -> bool:
    """May an email of this category go to the person now? (One query.)"""
    category = Category(category)
    if category.is_transactional:
        return True
    if not getattr(person, "pk", None):
        return False
    return recipients_for(category).filter(pk=person.pk).exists()


# --- Unsubscribe links ------------------------------------------------------------------


def _joined(person: Any) -> int:
    return int(person.date_joined.timestamp())


def unsubscribe_token(person: Any, category: Category | str) -> str:
    category = Category(category)
    if category.is_transactional:
        raise ValueError("Account and transaction emails have no unsubscribe link.")
    # Signer, not dumps: no timestamp, so every email to the person carries the same link.
    signer = signing.Signer(salt=UNSUBSCRIBE_SALT)
    return signer.sign_object([person.pk, category.value, _joined(person)])


def read_unsubscribe_token(token: str) -> tuple[Any, Category] | None:
    """The person and category a link names, or None for a link we did not make."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not (isinstance(value, list) and len(value) == 3):
        return None
    pk, code, joined = value
    if not isinstance(pk, int) or not isinstance(joined, int) or code not in OPTIONAL:
        return None
    person = get_user_model()._default_manager.filter(pk=pk).first()
    if person is None or _joined(person) != joined:
        return None
    return person, Category(code)


def unsubscribe_url(person: Any, category: Category | str) -> str:
    token = unsubscribe_token(person, category)
    return settings.SITE_URL + reverse("communications:unsubscribe", args=[token])


def list_headers(category: Category, unsubscribe: str) -> dict[str, str]:
    """The headers every non-transactional email carries (RFC 2919, RFC 2369, RFC 8058)."""
    return {
        # A name and a stable id per category under the site's domain.
        "List-Id": f'"{settings.SITE_NAME}: {category.label}" '
        f"<{category.value}.{emails.site_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Sending ------------------------------------------------------------------------------


def queue_email(
    *,
    template: str,
    person: Any,
    category: Category | str,
    context: Mapping[str, Any] | None = None,
    key: str | None = None,
    language: str | None = None,
) -> OutboxEntry | None:
    """Queue an announcement or marketing email to one person with an account, at their
    address, if they may receive it now (else nothing is queued and None is returned).

    Its unsubscribe link and headers are added here; a worker sends it exactly once.
    """
    category = Category(category)
    if category.is_transactional or not getattr(person, "pk", None):
        raise ValueError("Announcements and marketing go to one person with an account.")
    if key is not None and (existing := OutboxEntry.objects.filter(key=key).first()):
        return existing
    if not may_receive(person, category):
        return None
    to = [person.email]
    language = language or email_language(to, person)
    unsubscribe = unsubscribe_url(person, category)
    ctx = {
        **(context or {}),
        "email_category": category.spec,
        "unsubscribe_url": unsubscribe,
        "preferences_url": settings.SITE_URL + reverse("communications:preferences"),
    }
    message = emails.render_email(
        template=template,
        to=to,
        context=ctx,
        headers=list_headers(category, unsubscribe),
        language=language,
    )
    # The visible link: the HTML layout shows it (emails/base.html); the text gets it here.
    if unsubscribe not in next((str(c) for c, t in message.alternatives if t == "text/html"), ""):
        raise ValueError(f"{template}.html must extend emails/base.html (the unsubscribe link).")
    with translation.override(language):
        footer = render_to_string(
            "emails/_unsubscribe.txt", {"SITE_NAME": settings.SITE_NAME, **ctx}
        )
    message.body = message.body.rstrip() + footer
    # The worker asks again before sending (send_if_wanted).
    payload = {
        **emails.message_payload(message, kind=template),
        "category": category.value,
        "person_id": person.pk,
    }
    return outbox.defer(EMAIL_KIND, payload, key=key, person=person)


def send_if_wanted(payload: dict[str, Any]) -> None:
    """Send a queued email unless the person stopped wanting it (or was frozen, or left)."""
    person = get_user_model()._default_manager.filter(pk=payload["person_id"]).first()
    if person is None or not may_receive(person, payload["category"]):
        # Never sent. The outcome stays on the finished entry (kept by keep_when_done),
        # and the mailing it belongs to counts it as skipped.
        payload["outcome"] = SKIPPED
        logger.info("email skipped kind=%s (no longer wanted)", payload["kind"])
        return
    emails.send_queued_email(payload)
