"""Registry entries for support inquiries (policy §2.4: communications with us).

A person's inquiries are exported with their data and erased with their account,
together with a visitor's inquiries written from the account's address that were
never linked to it. Staff answers stay in other people's threads when a member of
staff is erased, without their name. Closed inquiries are deleted
``promises.SUPPORT_RETENTION_DAYS`` after closing; answered ones close themselves after
``promises.SUPPORT_CLOSE_ANSWERED_AFTER_DAYS`` without a new message (the retention job).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from privacy import promises
from privacy.registry.declarations import Actor, Basis, Erasure, declare
from privacy.registry.retention import Retention

from .models import Inquiry, InquiryMessage
from .services import apply_retention, inquiries_about


def _messages_about(user: Any) -> QuerySet[InquiryMessage]:
    return InquiryMessage.objects.filter(inquiry__in=inquiries_about(user))


_RETENTION = Retention.after_event(
    days=promises.SUPPORT_RETENTION_DAYS,
    event=_("the inquiry is closed"),
    enforce=apply_retention,
    note=format_lazy(
        _(
            "An answered inquiry closes itself after {days} days without a new message; "
            "replying opens it again."
        ),
        days=promises.SUPPORT_CLOSE_ANSWERED_AFTER_DAYS,
    ),
)

declare(
    Inquiry,
    section="2.4",
    category=_("Your support inquiries"),
    purpose=_(
        "To answer your questions and keep the conversation in one place until it is resolved."
    ),
    legal_basis=Basis.CONTRACT,
    fields=(
        "email",
        "name",
        "subject",
        "state",
        "signed_in",
        "language",
        "created_at",
        "last_message_at",
        "closed_at",
    ),
    held={"person": _("The account the inquiry belongs to: yours.")},
    about=inquiries_about,
    erasure=Erasure.DELETE,
    retention=_RETENTION,
)

declare(
    InquiryMessage,
    section="2.4",
    category=_("Messages in your support inquiries"),
    purpose=_("What you wrote to us and what we answered."),
    legal_basis=Basis.CONTRACT,
    fields=("inquiry", "from_staff", "body", "created_at"),
    about=_messages_about,
    acted=Actor(
        "staff",
        fields=("created_at",),
        description="Answers you wrote as a member of staff (when, not to whom).",
    ),
    erasure=Erasure.DELETE,
    retention=_RETENTION,
)
