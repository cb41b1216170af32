"""Support inquiries (§2.4): a thread per inquiry, answered by staff by email.

An inquiry belongs to the account it was written from, or, written by a visitor,
to the email address given. A visitor's inquiry joins the account whose
confirmed address it was written from: at once if that account exists, or when
the address is confirmed later (``support.signals``). Every answer was emailed
to that address already, so the account's owner sees nothing new but their own
conversation in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Inquiry(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Waiting for us")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_inquiries",
        help_text=_("The account it belongs to (empty: a visitor without an account)."),
    )
    email = models.EmailField(_("reply to"), help_text=_("Where answers are emailed."))
    name = models.CharField(max_length=150, blank=True)
    subject = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # Written while signed in, or from the form as a visitor.
    signed_in = models.BooleanField(default=False)
    # The language of the page it was written on: answers to a visitor (no account to
    # say theirs) are emailed in it, whoever writes them (jobletters.lib.languages).
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("support inquiry")
        verbose_name_plural = _("support inquiries")
        ordering = ("-last_message_at", "-pk")
        indexes = [
            models.Index(fields=["person", "-last_message_at"], name="inquiry_person_recent"),
            models.Index(fields=["state", "last_message_at"], name="inquiry_state_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


class InquiryMessage(models.Model):
    """One message in a thread: from the person, or an answer from staff."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    from_staff = models.BooleanField(default=False)
    # The member of staff who answered (kept out of what the person sees).
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{'Answer' if self.from_staff else 'Message'} on {self.inquiry}"
