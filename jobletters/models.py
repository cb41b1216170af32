"""The outbox: every piece of deferred work is a row first (see ``jobletters.outbox``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """One unit of deferred work (an email, a CV check, a packet), written in the transaction
    of the change that needs it: never lost between the database and the broker."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=100, db_index=True)
    queue = models.CharField(max_length=20, default="default")
    # Ids, never personal data; a queued email holds its rendered message until sent.
    payload = models.JSONField(default=dict, blank=True)
    # Makes deferring idempotent: one entry per key (e.g. "cv-check:42").
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    # The person the work is about (emails to them, their CV check), for privacy requests.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=10)
    due_at = models.DateTimeField(default=timezone.now)
    # When the task was last handed to the broker (the sweeper re-sends after a while).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # While running: the claim holds until then; past it, the work is retried.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox entry")
        verbose_name_plural = _("outbox")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["state", "due_at"], name="outbox_state_due"),
            models.Index(fields=["state", "lease_until"], name="outbox_state_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display().lower()})"


class Mailing(models.Model):
    """An email to many people, sent in batches by ``jobletters.lib.mailing``. The model
    adds a ``state`` with :attr:`SENDING` and :attr:`SENT` among its values."""

    SENDING = "sending"
    SENT = "sent"
    mailing_name: str  # begins the outbox key of each of its emails
    state: str  # each concrete mailing's own field

    started_at = models.DateTimeField(null=True, blank=True)
    # When the last batch was queued, and when the last email was finished.
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Batches go through the audience in id order; the last id queued (resumes a batch).
    cursor = models.BigIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    # Counted as each email ends (the outbox entries are deleted after 30 days).
    queued_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def key_prefix(self) -> str:
        """The outbox key of each email begins with this (one per recipient)."""
        return f"{self.mailing_name}:{self.pk}:"

    @property
    def waiting(self) -> int:
        return self.queued_count - self.sent_count - self.skipped_count - self.failed_count
