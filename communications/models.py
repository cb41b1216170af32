"""Announcements staff send by email to everyone who wants them (§8), as a mailing
(``jobletters.lib.mailing``: one outbox entry per person, so nobody gets one twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobletters.models import Mailing

from .categories import Category


class Announcement(Mailing):
    mailing_name = "announcement"

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    class BodyFormat(models.TextChoices):
        TEXT = "text", _("Plain text (blank lines make paragraphs; links are made clickable)")
        MARKUP = (
            "markup",
            _("Safe markup (<p>, <strong>, <em>, lists, links; nothing else is kept)"),
        )

    CATEGORIES = [(c.value, c.label) for c in (Category.ANNOUNCEMENTS, Category.MARKETING)]

    category = models.CharField(
        max_length=20,
        choices=CATEGORIES,
        default=Category.ANNOUNCEMENTS.value,
        help_text=_(
            "Who receives it: service announcements go to everyone who has not turned "
            "them off; tips and offers only to people who turned them on."
        ),
    )
    subject = models.CharField(max_length=150)
    body_format = models.CharField(
        max_length=10, choices=BodyFormat.choices, default=BodyFormat.TEXT
    )
    body = models.TextField(max_length=20_000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The last test sent to a member of staff; sending needs one after the last change.
    test_sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.subject

    @property
    def email_category(self) -> Category:
        return Category(self.category)
