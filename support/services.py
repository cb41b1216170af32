"""Support inquiries: written by people (signed in or not), answered by staff, by email.
Views reach a person's inquiries only through :func:`inquiries_of`; the emails are
transactional (the person asked), so always sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from jobletters.lib.emails import queue_email
from jobletters.lib.languages import DEFAULT, supported
from privacy import promises

from .models import Inquiry, InquiryMessage


def inquiries_of(user: Any) -> QuerySet[Inquiry]:
    """A person's inquiries: the only way views reach one."""
    return Inquiry.objects.filter(person=user)


def inquiries_about(user: Any) -> QuerySet[Inquiry]:
    """Everything about the person (their export and erasure): their inquiries, and a
    visitor's not yet linked that were written from their account's address."""
    return Inquiry.objects.filter(Q(person=user) | Q(person__isnull=True, email__iexact=user.email))


def with_counts(inquiries: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    return inquiries.annotate(
        message_count=Count("messages"),
        answer_count=Count("messages", filter=Q(messages__from_staff=True)),
    )


def _thread_url(inquiry: Inquiry) -> str:
    if inquiry.person_id is None:
        return ""
    return settings.SITE_URL + reverse("support:inquiry", args=[inquiry.pk])


def _notify_staff(inquiry: Inquiry, message: InquiryMessage) -> None:
    """Tell the support inbox there is something to answer (no personal data in it)."""
    queue_email(
        template="support/emails/staff_notice",
        to=[settings.SUPPORT_EMAIL],
        context={
            "inquiry_id": inquiry.pk,
            "admin_url": settings.SITE_URL
            + reverse("admin:support_inquiry_change", args=[inquiry.pk]),
        },
        key=f"support-staff-notice:{message.pk}",
        language=settings.LANGUAGE_CODE,  # for staff, whatever the writer's language
    )


def submit_inquiry(
    *, person: Any | None, subject: str, body: str, email: str = "", name: str = ""
) -> Inquiry:
    """A new inquiry from someone signed in (``person``) or a visitor (``email``)."""
    now = timezone.now()
    if person is not None:
        email, name, signed_in = person.email, person.name, True
    else:
        email = get_user_model()._default_manager.normalize_email(email.strip())
        if not email:
            raise ValueError("A visitor's inquiry needs an email address to answer.")
        # Written from a confirmed address of an account: it is theirs (see models).
        addresses = EmailAddress.objects.select_related("user")
        address = addresses.filter(email__iexact=email, verified=True).first()
        person, signed_in = (address.user if address else None), False
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            person=person,
            email=email,
            name=name.strip(),
            subject=subject.strip(),
            signed_in=signed_in,
            language=supported(translation.get_language()) or "",
            created_at=now,
            last_message_at=now,
        )
        message = InquiryMessage.objects.create(inquiry=inquiry, body=body.strip(), created_at=now)
        # The confirmation never repeats what was written: the form must not be a way to
        # send any text to any address.
        queue_email(
            template="support/emails/received",
            to=[inquiry.email],
            context={"inquiry": inquiry, "signed_in": signed_in, "url": _thread_url(inquiry)},
            person=person,
            key=f"support-received:{inquiry.pk}",
        )
        _notify_staff(inquiry, message)
    return inquiry


def reply_to_inquiry(*, inquiry: Inquiry, person: Any, body: str) -> InquiryMessage:
    """The person writes again on their thread (it opens again if it was closed)."""
    if inquiry.person_id != person.pk:
        raise PermissionError("Only the person who owns the inquiry can reply to it.")
    now = timezone.now()
    with transaction.atomic():
        message = InquiryMessage.objects.create(inquiry=inquiry, body=body.strip(), created_at=now)
        Inquiry.objects.filter(pk=inquiry.pk).update(
            state=Inquiry.State.OPEN, last_message_at=now, closed_at=None
        )
        _notify_staff(inquiry, message)
    return message


def answer_inquiry(
    *, inquiry: Inquiry, staff: Any, body: str, close: bool = False
) -> InquiryMessage:
    """Staff answer: added to the thread and emailed to the person, once."""
    if not body.strip():
        raise ValueError("An answer needs some text.")
    now = timezone.now()
    with transaction.atomic():
        message = InquiryMessage.objects.create(
            inquiry=inquiry, from_staff=True, staff=staff, body=body.strip(), created_at=now
        )
        inquiry.state = Inquiry.State.CLOSED if close else Inquiry.State.ANSWERED
        inquiry.last_message_at = now
        inquiry.closed_at = now if close else None
        inquiry.save(update_fields=["state", "last_message_at", "closed_at"])
        queue_email(
            template="support/emails/answer",
            to=[inquiry.email],
            context={"inquiry": inquiry, "answer": message, "url": _thread_url(inquiry)},
            person=inquiry.person,
            key=f"support-answer:{message.pk}",
            # An account's language, else the language the visitor wrote in (never the
            # language of the member of staff answering).
            language=None if inquiry.person_id else (supported(inquiry.language) or DEFAULT),
        )
    return message


def close_inquiries(inquiries: QuerySet[Inquiry], *, now: datetime | None = None) -> int:
    return inquiries.exclude(state=Inquiry.State.CLOSED).update(
        state=Inquiry.State.CLOSED, closed_at=now or timezone.now()
    )


def reopen_inquiries(inquiries: QuerySet[Inquiry]) -> int:
    return inquiries.filter(state=Inquiry.State.CLOSED).update(
        state=Inquiry.State.OPEN, closed_at=None
    )


def link_visitor_inquiries(*, user: Any, email: str) -> int:
    """A visitor's inquiries from an address now confirmed on an account become theirs."""
    return Inquiry.objects.filter(person__isnull=True, email__iexact=email).update(person=user)


def apply_retention(now: datetime) -> int:
    """The retention job: answered inquiries left quiet are closed; closed ones are
    deleted (with their messages) once their period has passed. Returns how many."""
    quiet = now - timedelta(days=promises.SUPPORT_CLOSE_ANSWERED_AFTER_DAYS)
    close_inquiries(
        Inquiry.objects.filter(state=Inquiry.State.ANSWERED, last_message_at__lt=quiet), now=now
    )
    expired = now - timedelta(days=promises.SUPPORT_RETENTION_DAYS)
    deleted, _ = Inquiry.objects.filter(state=Inquiry.State.CLOSED, closed_at__lt=expired).delete()
    return deleted
