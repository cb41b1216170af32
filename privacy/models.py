from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from .policy_text import PolicyBlock, parse_policy


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    def in_force(self) -> PolicyVersionQuerySet:
        return self.filter(effective_at__lte=timezone.now())

    def current(self) -> PolicyVersion | None:
        return self.in_force().order_by("-version").first()


class PolicyVersion(models.Model):
    """One published version of the privacy policy, stored as data (never edited in place)."""

    version = models.PositiveIntegerField(unique=True)
    effective_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    changelog = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ("-version",)
        get_latest_by = "version"

    def __str__(self) -> str:
        return f"Privacy policy v{self.version}"

    @cached_property
    def blocks(self) -> list[PolicyBlock]:
        return parse_policy(self.text)


class Consent(models.Model):
    """One consent or withdrawal, exactly as it was given (the consent ledger).

    Rows are only ever added: the person's current choice for a purpose is the
    newest row for it. Each row keeps the policy version in force and the exact
    words the person saw, so "what did they agree to?" always has an answer.
    """

    class Purpose(models.TextChoices):
        SHARE_WITH_RECRUITERS = "share_with_recruiters", "Share my details with chosen recruiters"
        EMAIL_ANNOUNCEMENTS = "email_announcements", "Service announcements by email"
        EMAIL_MARKETING = "email_marketing", "Marketing emails"
        COOKIES_PREFERENCES = "cookies_preferences", "Preference cookies"
        COOKIES_ANALYTICS = "cookies_analytics", "Analytics cookies"
        POLICY_ACKNOWLEDGED = "policy_acknowledged", "Read a changed policy or terms"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    granted = models.BooleanField(help_text="Yes (given) or no (withdrawn).")
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField("words shown", help_text="Exactly what the person read.")
    # Who the consent is for, as the person saw them (e.g. recruiters' names and agencies).
    recipients = models.JSONField(default=list, blank=True)
    data_categories = models.JSONField(default=list, blank=True)
    # What it belongs to, e.g. "send:42".
    reference = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["person", "purpose", "-created_at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {'yes' if self.granted else 'withdrawn'}"


class Disclosure(models.Model):
    """Personal data that left Job Letters: what, to whom, when, and on what basis."""

    class RecipientKind(models.TextChoices):
        RECRUITER = "recruiter", "Recruiter"
        AUTHORITY = "authority", "Public authority"

    class Basis(models.TextChoices):
        CONSENT = "consent", "Your consent"
        LEGAL_OBLIGATION = "legal_obligation", "A legal obligation"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disclosures"
    )
    recipient_kind = models.CharField(max_length=20, choices=RecipientKind.choices)
    # As the recipient was known at the time (name and agency, never their contact details).
    recipient_name = models.CharField(max_length=300)
    recipient_reference = models.CharField(max_length=100, blank=True)
    data_categories = models.JSONField(default=list)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    legal_reference = models.CharField(max_length=200, blank=True)
    # What caused it, e.g. "delivery:17": one disclosure per cause.
    reference = models.CharField(max_length=100, unique=True)
    disclosed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-disclosed_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(basis="consent") | models.Q(consent__isnull=False),
                name="disclosure_by_consent_names_the_consent",
            )
        ]

    def __str__(self) -> str:
        return f"Disclosure to {self.recipient_name} ({self.disclosed_at:%Y-%m-%d})"


# --- Privacy requests: export (§7), deletion (§5, §7), legal holds, tombstones ----------


class ExportRequest(models.Model):
    """A person's request for a copy of their data (one ZIP, built by a worker)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Preparing"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired (file deleted)"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_requests"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=200, blank=True, help_text="What is being prepared.")
    file = models.FileField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why it failed, in words the person reads.")
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at", "-pk")
        indexes = [models.Index(fields=["person", "-requested_at"], name="export_person_recent")]

    def __str__(self) -> str:
        return f"Export #{self.pk} ({self.get_state_display().lower()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.BUILDING)


class DeletionRequest(models.Model):
    """A person's request to delete their account, from request to tombstone.

    While it waits out the grace period the account is frozen; then the purge job
    erases the person (privacy.erasure). The row stays, detached, as the record
    that the request was honoured on time.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Grace period (account frozen)"
        CANCELLED = "cancelled", "Cancelled by the person"
        HELD = "held", "Waiting: legal hold"
        ERASING = "erasing", "Erasing"
        DONE = "done", "Erased"
        FAILED = "failed", "Erasure failed (staff must act)"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion_requests",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    grace_ends_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="The latest the erasure may finish.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state__in=["pending", "held", "erasing"]),
                name="deletion_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["state", "grace_ends_at"], name="deletion_state_due")]

    def __str__(self) -> str:
        return f"Deletion request #{self.pk} ({self.get_state_display().lower()})"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.PENDING, self.State.HELD, self.State.ERASING)


class LegalHold(models.Model):
    """Keeps a person's data past a deletion request (§5): placed and released with a reason.

    A hold on everything makes the deletion wait; a hold on some policy sections
    (e.g. §2.3 billing records, placed automatically by an open payment dispute)
    lets the rest be erased and keeps those records from the retention purge.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legal_holds",
    )
    # Policy sections the hold covers; empty: everything about the person.
    sections = models.JSONField(default=list, blank=True)
    reason = models.TextField()
    # What placed it, for holds placed automatically (e.g. "dispute:dp_123").
    reference = models.CharField(max_length=100, blank=True, db_index=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-placed_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=models.Q(released_at__isnull=True) & ~models.Q(reference=""),
                name="legal_hold_one_open_per_reference",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold #{self.pk}" + (" (released)" if self.released_at else "")

    @property
    def is_open(self) -> bool:
        return self.released_at is None

    @property
    def covers_everything(self) -> bool:
        return not self.sections


class Tombstone(models.Model):
    """What remains of an erased person: that it happened and when, nothing personal.

    Keyed by a keyed one-way hash of the person's id and sign-up time
    (``privacy.erasure.subject_hash``), so a restored backup can be checked
    against it ("replay") without the tombstone saying who it was.
    """

    subject_hash = models.CharField(max_length=64, unique=True)
    # The last erasure phase done (privacy.registry.Phase); 0 before the first.
    phase = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Counts only (e.g. {"profiles.CV": 2}), never values.
    summary = models.JSONField(default=dict, blank=True)
    journaled = models.BooleanField(default=False)

    class Meta:
        ordering = ("-started_at", "-pk")

    def __str__(self) -> str:
        return f"Tombstone {self.subject_hash[:12]}…"
