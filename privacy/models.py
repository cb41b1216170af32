from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from jobletters.models import Mailing
from privacy.policy_text import PolicyBlock, parse_policy


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    def published(self) -> PolicyVersionQuerySet:
        return self.filter(published_at__isnull=False)

    def current(self, document: str = "privacy") -> PolicyVersion | None:
        in_force = self.published().filter(document=document, effective_at__lte=timezone.now())
        return in_force.order_by("-version").first()


class PolicyVersion(models.Model):
    """One version of the privacy policy or the terms of service: a draft (``published_at``
    empty) until staff publish it, then never edited. Rows written by code are published."""

    class Document(models.TextChoices):
        PRIVACY = "privacy", _("Privacy policy")
        TERMS = "terms", _("Terms of service")

    document = models.CharField(max_length=10, choices=Document.choices, default=Document.PRIVACY)
    version = models.PositiveIntegerField()
    effective_at = models.DateTimeField(_("takes effect"), default=timezone.now)
    text = models.TextField()
    changelog = models.TextField(
        help_text=_("What changes and why, in words every reader understands.")
    )
    reduces_rights = models.BooleanField(
        _("reduces users' rights"),
        default=False,
        help_text=_(
            "Every active person is emailed when it is published, at least the notice period "
            "before it takes effect, and asked to acknowledge it."
        ),
    )
    published_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ("document", "-version")
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "version"], name="policy_version_unique_per_document"
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(published_at__isnull=True),
                name="policy_version_one_draft_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} v{self.version}"

    @cached_property
    def blocks(self) -> list[PolicyBlock]:
        return parse_policy(self.text)

    @property
    def upcoming(self) -> bool:
        return self.effective_at > timezone.now()

    @property
    def anchor(self) -> str:
        """Its id on /privacy/versions/, e.g. "terms-v2"."""
        return f"{self.document}-v{self.version}"

    @property
    def reference(self) -> str:
        """How the consent ledger names it (an acknowledgement's reference), e.g. "terms:v2"."""
        return f"{self.document}:v{self.version}"


class Consent(models.Model):
    """One consent or withdrawal, exactly as given, with the policy in force and the words
    seen. Rows are only added: the current choice for a purpose is the newest row."""

    class Purpose(models.TextChoices):
        SHARE_WITH_RECRUITERS = "share_with_recruiters", "Share my details with chosen recruiters"
        EMAIL_ANNOUNCEMENTS = "email_announcements", "Service announcements by email"
        EMAIL_MARKETING = "email_marketing", "Marketing emails"
        # No longer asked (we set only necessary cookies); kept so the choices people made
        # before stay readable in their export and on "my data".
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
        Consent, on_delete=models.RESTRICT, null=True, blank=True, related_name="disclosures"
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
        when = date_format(timezone.localtime(self.disclosed_at))
        return f"Disclosure to {self.recipient_name} ({when})"


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
    """A person's request to delete their account (privacy.rights.deletion); the row stays,
    detached, as the record that it was honoured on time."""

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

    # Past due_at in one of these states a request is late (privacy.rights.deletion);
    # HELD waits for a legal hold, which the law lets outlast the deadline.
    UNFINISHED = (State.PENDING, State.ERASING, State.FAILED)

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

    def is_late(self, now: datetime | None = None) -> bool:
        return self.state in self.UNFINISHED and self.due_at <= (now or timezone.now())


class LegalHold(models.Model):
    """Keeps a person's data past a deletion request (§5). A hold on everything makes the
    deletion wait; one on some sections lets the rest go and keeps those from retention."""

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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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


class Tombstone(models.Model):
    """What remains of an erased person: that it happened and when, keyed by a keyed hash
    (``privacy.rights.erasure.subject_hash``) a restored backup is checked against."""

    subject_hash = models.CharField(max_length=64, unique=True)
    # The last erasure phase done (privacy.registry.declarations.Phase); 0 before the first.
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


# --- Notices of change to many people (§3.3, §9), sent in batches -------------------------


class ChangeNotice(Mailing):
    """An email about a change to everyone concerned, sent in resumable batches
    (``privacy.documents.notices``)."""

    mailing_name = "privacy-notice"

    class Kind(models.TextChoices):
        VERSION = "version", _("A version that reduces people's rights")
        PROCESSORS = "processors", _("Changes to our processors")

    class State(models.TextChoices):
        COLLECTING = "collecting", _("Collecting changes")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    version = models.OneToOneField(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="notice"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.SENDING)
    # Changes to processors are gathered for a while, so a correction made a minute
    # later does not send a second email.
    send_after = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(state="collecting"),
                name="change_notice_one_collecting_per_kind",
            )
        ]

    def __str__(self) -> str:
        if self.version_id:
            return f"Notice of {self.version}"
        return f"Notice of processor changes #{self.pk}"


# --- Legal requests (§3.2) ---------------------------------------------------------------


class LegalRequest(models.Model):
    """A request from an authority for information about people (§3.2), handled by staff
    (``privacy.accountability.legal``)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        CHALLENGED = "challenged", _("Challenged")
        DISCLOSED_IN_PART = "disclosed_in_part", _("Disclosed in part")
        DISCLOSED = "disclosed", _("Disclosed")
        REJECTED = "rejected", _("Rejected")

    agency = models.CharField(_("agency"), max_length=200)
    reference = models.CharField(_("their reference"), max_length=200, blank=True)
    legal_basis = models.TextField(
        _("legal basis"), help_text=_("The law or order the request relies on.")
    )
    received_on = models.DateField(_("received"))
    # Registry category slugs (privacy.registry.declarations.Declaration.slug) in scope.
    data_categories = models.JSONField(_("data categories"), default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    notice_prohibited_until = models.DateField(
        _("notice prohibited until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day on which the law forbids telling the people concerned. "
            "Empty: no prohibition. Notice goes out the day after, once the request is "
            "past 'received'."
        ),
    )
    notes = models.TextField(_("staff notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ("-received_on", "-pk")
        indexes = [models.Index(fields=["received_on", "status"], name="legal_request_period")]

    def __str__(self) -> str:
        reference = f" {self.reference}" if self.reference else ""
        return f"Legal request #{self.pk}: {self.agency}{reference}"


class LegalRequestSubjectQuerySet(models.QuerySet["LegalRequestSubject"]):
    def visible_to(self, person: Any) -> LegalRequestSubjectQuerySet:
        """The legal requests a person may see: those they have been told about."""
        return self.filter(person=person, notified_at__isnull=False)


class LegalRequestSubject(models.Model):
    """One person in a legal request's scope: notice, disclosure and the copy handed over."""

    request = models.ForeignKey(LegalRequest, on_delete=models.CASCADE, related_name="subjects")
    # Emptied when the person is erased: the request stays, as the law requires.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    added_at = models.DateTimeField(default=timezone.now)
    # When the notice email was queued; the person sees the request from then on.
    notified_at = models.DateTimeField(null=True, blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    # When the disclosure was written to the person's disclosure log (after notice).
    disclosure_logged_at = models.DateTimeField(null=True, blank=True)
    # The data handed over (a ZIP built by the export machinery), for staff, deleted
    # promises.LEGAL_PACKAGE_DAYS after it was made.
    package = models.FileField(max_length=255, blank=True)
    package_ready_at = models.DateTimeField(null=True, blank=True)

    objects = LegalRequestSubjectQuerySet.as_manager()

    class Meta:
        ordering = ("request", "pk")
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="legal_request_subject_once")
        ]
        indexes = [models.Index(fields=["notified_at"], name="legal_subject_notice")]

    def __str__(self) -> str:
        return f"Person in legal request #{self.request_id}"


# --- Processors (§3.3, §6) ------------------------------------------------------------------


class Subprocessor(models.Model):
    """A company that processes personal data for us, as listed on /privacy/subprocessors/."""

    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    # Policy sections (privacy.registry.declarations.POLICY_SECTIONS) of the data they process.
    data_categories = models.JSONField(_("data categories"), default=list)
    country = CountryField(_("country where the data is processed"))
    safeguards = models.TextField(
        _("safeguards"), help_text=_("The contract and transfer safeguards that protect the data.")
    )
    website = models.URLField(_("their privacy information"), blank=True)
    since = models.DateField(_("processing since"))
    until = models.DateField(
        _("processing until"), null=True, blank=True, help_text=_("Set it to remove them.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    @property
    def category_words(self) -> list[str]:
        """ "§2.1 Account information", … for each kind of data they process."""
        from privacy.documents.processors import category_labels

        return category_labels(self.data_categories)


class ProcessorChange(models.Model):
    """One change staff made to the processor list, announced to subscribers once."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    processor = models.ForeignKey(Subprocessor, on_delete=models.PROTECT, related_name="changes")
    notice = models.ForeignKey(
        ChangeNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.TextField(help_text=_("What changed, in words."))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.processor}"


class ProcessorSubscription(models.Model):
    """Someone who asked to be emailed when our processors change: an account, or a
    visitor's address confirmed through a link."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    email = models.EmailField(_("email address"), blank=True)
    # A visitor's: the language of the page they confirmed on, for the notices (an
    # account's notices follow the account's language).
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(person__isnull=False),
                name="processor_subscription_once_per_person",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(person__isnull=True),
                name="processor_subscription_once_per_address",
            ),
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False) & models.Q(email=""))
                | (models.Q(person__isnull=True) & ~models.Q(email="")),
                name="processor_subscription_person_or_address",
            ),
        ]

    def __str__(self) -> str:
        return f"Subscription #{self.pk} to processor changes"
