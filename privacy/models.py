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
