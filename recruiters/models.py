"""The recruiter directory, and what seekers send to recruiters (each model says what it is)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from privacy.models import Consent, Disclosure
from profiles.models import Profile

SENIORITY_CHOICES = Profile.Seniority.choices


def seniority_bit(value: str) -> int:
    """The bit of one seniority level in :attr:`Coverage.seniority_mask` (0 if unknown)."""
    for index, (key, _label) in enumerate(SENIORITY_CHOICES):
        if key == value:
            return 1 << index
    return 0


class RecruiterQuerySet(models.QuerySet["Recruiter"]):
    def reachable(self) -> RecruiterQuerySet:
        """Recruiters who may be matched and sent packets now."""
        return self.filter(
            active=True,
            opted_out_at__isnull=True,
            frozen_at__isnull=True,
            suspended_at__isnull=True,
        )


class Recruiter(models.Model):
    """Someone who places people in jobs, and may receive candidate packets. They never
    log in: staff manage them, and they can opt out with one click."""

    name = models.CharField(max_length=200)
    agency = models.CharField(max_length=200, blank=True)
    # Stored lower-cased (directory.normalise_email): one recruiter per address.
    email = models.EmailField(max_length=254, unique=True)
    # A link staff and pages may follow: web addresses only (URLField alone takes ftp too).
    website = models.URLField(
        max_length=300, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    occupations = models.ManyToManyField(
        "taxonomy.Occupation",
        related_name="+",
        blank=True,
        help_text=_("The ISCO-08 unit groups they place people in."),
    )
    places = models.ManyToManyField(
        "taxonomy.Place",
        related_name="+",
        blank=True,
        help_text=_("Cities, whole countries, or Remote."),
    )
    seniority_levels = models.JSONField(
        default=list, blank=True, help_text=_("Levels they place, e.g. senior, lead.")
    )
    languages = models.JSONField(
        default=list, blank=True, help_text=_('Languages they work in, e.g. "English".')
    )
    keywords = models.JSONField(
        _("specialisms"), default=list, blank=True, help_text=_('e.g. "M&A", "litigation".')
    )
    active = models.BooleanField(
        default=True, help_text=_("Off: kept in the directory, never matched.")
    )
    opted_out_at = models.DateTimeField(
        _("opted out"),
        null=True,
        blank=True,
        help_text=_("Set when they asked for no more packets."),
    )
    frozen_at = models.DateTimeField(
        _("frozen"),
        null=True,
        blank=True,
        help_text=_("Processing restricted by staff (e.g. during a complaint): never matched."),
    )
    suspended_at = models.DateTimeField(
        _("suspended"),
        null=True,
        blank=True,
        help_text=_(
            "Suspended by staff (e.g. for abusive messages): never matched, and the packet "
            "links they received answer “gone”."
        ),
    )
    daily_cap = models.PositiveSmallIntegerField(
        _("packets per day"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("More than this in one day (UTC) wait until the next day."),
    )
    # How they treat the packets they receive, recounted from the deliveries and answers
    # by recruiters.rates.refresh_rates (hourly): counts and a median, no seeker in them.
    packets_received = models.PositiveIntegerField(
        _("packets received"), default=0, db_default=0, editable=False
    )
    packets_opened = models.PositiveIntegerField(
        _("packets opened"), default=0, db_default=0, editable=False
    )
    packets_answered = models.PositiveIntegerField(
        _("packets answered"), default=0, db_default=0, editable=False
    )
    answer_days = models.PositiveSmallIntegerField(
        _("median days to the first answer"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecruiterQuerySet.as_manager()

    class Meta:
        ordering = ("name", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="recruiter_email_lower_case"
            ),
            models.CheckConstraint(condition=Q(daily_cap__gte=1), name="recruiter_daily_cap_1"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})" if self.agency else self.name

    @property
    def is_reachable(self) -> bool:
        return (
            self.active
            and self.opted_out_at is None
            and self.frozen_at is None
            and self.suspended_at is None
        )

    @property
    def label(self) -> str:
        """How seekers see them: "Alex Carter, Harper Legal"."""
        return f"{self.name}, {self.agency}" if self.agency else self.name

    @property
    def responsiveness(self) -> int:
        return responsiveness(
            received=self.packets_received,
            opened=self.packets_opened,
            answered=self.packets_answered,
        )


# Ranking puts recruiters who answer first, then those without a record (new ones, or
# who open without answering), then those who received this many packets and opened none.
ANSWERS, NO_RECORD, NEVER_OPENS = 2, 1, 0
NEVER_OPENS_AFTER = 3


def responsiveness(*, received: int, opened: int, answered: int) -> int:
    """A recruiter's place in the ranking's tie-break, from their counts (see above)."""
    if answered:
        return ANSWERS
    if received >= NEVER_OPENS_AFTER and not opened:
        return NEVER_OPENS
    return NO_RECORD


class Keyword(models.Model):
    """A specialism some recruiter lists, normalised: the words CVs are matched against."""

    term = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.term


# The columns of a coverage row that ranking reads, in the order the indexes keep them.
_SIGNALS = ["recruiter", "responsiveness", "seniority_mask", "languages_key", "keywords_key"]


class Coverage(models.Model):
    """The matching index: one row per reachable recruiter x occupation x place.

    Everything the ranking needs is on the row, so ranking reads this table only
    (an index range per occupation minor group and country) and joins the
    recruiter for the page's few rows. Rewritten whole for a recruiter whenever
    they change (``directory.sync_coverage``).
    """

    recruiter = models.ForeignKey(Recruiter, on_delete=models.CASCADE, related_name="+")
    occupation = models.ForeignKey(
        "taxonomy.Occupation", on_delete=models.CASCADE, related_name="+"
    )
    # ISCO-08 minor group: the first three digits of the unit group's code.
    minor_group = models.CharField(max_length=3)
    place = models.ForeignKey("taxonomy.Place", on_delete=models.CASCADE, related_name="+")
    place_kind = models.CharField(max_length=10)
    # "" for Remote.
    country = models.CharField(max_length=2, blank=True)
    # The recruiter's responsiveness (ANSWERS, NO_RECORD, NEVER_OPENS), kept in step by
    # recruiters.rates.
    responsiveness = models.SmallIntegerField(default=NO_RECORD)
    seniority_mask = models.IntegerField(default=0)
    # "|english|french|": searched with LIKE '%|french|%' on the few candidate rows.
    languages_key = models.CharField(max_length=500, blank=True)
    keywords_key = models.CharField(max_length=1000, blank=True)

    class Meta:
        verbose_name_plural = _("coverage")
        # Ranking reads this table through these indexes alone (index-only scans): every
        # column it needs is in them, after the ones it ranges over (recruiters.matching).
        indexes = [
            # Same minor group and one of the seeker's places, or a city near one of them
            # (the cities found in the taxonomy first).
            # The occupation follows the range's own columns: seekers who did not ask for
            # related roles (most) range over it too, instead of reading their minor
            # group's other occupations and leaving them out.
            models.Index(
                fields=["minor_group", "place", "occupation", *_SIGNALS],
                name="coverage_by_place",
            ),
            # Same minor group and a whole country, a country's cities, or Remote.
            models.Index(
                fields=["minor_group", "place_kind", "country", "occupation", "place", *_SIGNALS],
                name="coverage_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Recruiter {self.recruiter_id}: {self.minor_group}/{self.country or 'remote'}"


class Suppression(models.Model):
    """An address that opted out, kept as a hash so it is never sent packets again,
    even after the recruiter's details are erased or imported again."""

    email_hash = models.CharField(_("hash of the email address"), max_length=64, unique=True)
    opted_out_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Opt-out of {date_format(timezone.localtime(self.opted_out_at))}"


class SendQuerySet(models.QuerySet["Send"]):
    def of(self, user) -> SendQuerySet:
        return self.filter(seeker=user)


class Send(models.Model):
    """A seeker's confirmed decision to share with chosen recruiters, under one consent."""

    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recruiter_sends"
    )
    # RESTRICT: a consent goes only together with the sends made under it.
    consent = models.ForeignKey(Consent, on_delete=models.RESTRICT, related_name="+")
    # Exactly what the seeker saw and agreed to share (recruiters.packets.build_snapshot):
    # the packet page and email show this, not the profile as edited later.
    snapshot = models.JSONField()
    include_contact = models.BooleanField(
        _("postal address and phone included"), default=False, editable=False
    )
    # Recruiters see the letter and a summary only, until the seeker accepts an
    # introduction (recruiters.sending).
    blind = models.BooleanField(_("blind"), default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = SendQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["seeker", "-created_at"], name="send_seeker_recent")]

    def __str__(self) -> str:
        return f"Send #{self.pk}"


class Delivery(models.Model):
    """One packet to one recruiter within a send.

    queued → sending → sent → opened → downloaded (the CV link opened); or deferred (the recruiter's
    daily cap) → sending; failed; revoked (by the seeker, before or after it left).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DEFERRED = "deferred", _("Waiting for tomorrow")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        # The CV link was opened and sent on to our file store; whether the download
        # then finished is between the recruiter and the store, so we do not claim it.
        DOWNLOADED = "downloaded", _("CV link opened")
        FAILED = "failed", _("Failed")
        REVOKED = "revoked", _("Revoked")

    WAITING = (State.QUEUED, State.DEFERRED)
    IN_FLIGHT = (State.QUEUED, State.DEFERRED, State.SENDING)
    DELIVERED = (State.SENT, State.OPENED, State.DOWNLOADED)

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    # The same person as send.seeker, kept here so access checks and the 180-day rule
    # are one indexed filter.
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recruiter = models.ForeignKey(
        Recruiter, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    consent = models.ForeignKey(Consent, on_delete=models.RESTRICT, related_name="+")
    # As the seeker saw them when consenting ("Alex Carter, Harper Legal").
    recipient_name = models.CharField(max_length=410)
    # Why this recruiter (the match's reason), for the email and the report.
    reason = models.CharField(max_length=300)
    role = models.CharField(max_length=200)
    place = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    # The same Message-ID on every attempt: a resend is recognisably the same message.
    message_id = models.CharField(max_length=200, unique=True)
    # billing.ledger reservation of this delivery's one send.
    reservation_id = models.BigIntegerField(null=True, blank=True)
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    deferred_until = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    # Set just before the final dot of SMTP DATA: from then on the recruiter's mail
    # server may have the packet, so it is never sent again (see recruiters.delivery).
    handed_over_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Sent, but the server's "accepted" never reached us (the run stopped after the
    # final dot): it most likely arrived, and it is not sent again.
    sent_unconfirmed = models.BooleanField(_("sent (unconfirmed)"), default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(_("CV link opened"), null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("deliveries")
        ordering = ("created_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=["send", "recruiter"], name="delivery_once_per_send"),
            # Never two packets of one seeker on their way to one recruiter at once.
            models.UniqueConstraint(
                fields=["seeker", "recruiter"],
                condition=Q(state__in=["queued", "deferred", "sending"]),
                name="delivery_one_in_flight",
            ),
            # No packet is recorded as sent without its disclosure record.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(disclosure__isnull=False),
                name="delivery_sent_has_disclosure",
            ),
        ]
        indexes = [
            models.Index(
                fields=["seeker", "recruiter", "created_at"], name="delivery_seeker_recent"
            ),
            models.Index(fields=["recruiter", "sent_at"], name="delivery_recruiter_sent"),
        ]

    def __str__(self) -> str:
        return f"Packet #{self.pk} to {self.recipient_name} ({self.get_state_display().lower()})"

    @property
    def is_revocable(self) -> bool:
        return self.state not in (self.State.FAILED, self.State.REVOKED)


class PacketLink(models.Model):
    """The recruiter's private packet page: only the token's SHA-256 is stored.

    The row outlives its delivery (``delivery`` becomes null when the seeker's
    account is deleted), so the link then answers "gone" rather than "unknown".
    """

    token_hash = models.CharField(max_length=64, unique=True)
    delivery = models.OneToOneField(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="link"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Packet link #{self.pk}"


class PacketAccess(models.Model):
    """One view of a packet page, or one opening of its CV download link."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Opened the packet page")
        DOWNLOAD = "download", _("Opened the CV download link")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="accesses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("packet accesses")
        ordering = ("at", "pk")
        indexes = [models.Index(fields=["delivery", "at"], name="packet_access_delivery")]

    def __str__(self) -> str:
        at = date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return f"{self.get_kind_display()} at {at}"


# The longest message a recruiter may leave with an answer (plain text).
ANSWER_MESSAGE_MAX = 1000


class AnswerQuerySet(models.QuerySet["Answer"]):
    def current(self) -> AnswerQuerySet:
        """Each delivery's newest answer only (the current one)."""
        newer = Answer.objects.filter(
            delivery=models.OuterRef("delivery"), answered_at__gt=models.OuterRef("answered_at")
        )
        return self.exclude(models.Exists(newer))


class Answer(models.Model):
    """A recruiter's reply to a packet, given on its packet page.

    One answer per delivery, changeable while the link is valid: each change is a
    new row, the newest is the current answer, the earlier ones are its history.
    """

    class Kind(models.TextChoices):
        INTERESTED = "interested", _("Interested — contact me")
        NOT_NOW = "not_now", _("Not now")
        NOT_A_FIT = "not_a_fit", _("Not a fit")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="answers")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Plain text as the recruiter typed it (checked by recruiters.sending); shown escaped.
    message = models.TextField(max_length=ANSWER_MESSAGE_MAX, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ("answered_at", "pk")
        indexes = [models.Index(fields=["delivery", "answered_at"], name="answer_delivery")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["interested", "not_now", "not_a_fit"]),
                name="answer_kind_known",
            )
        ]

    def __str__(self) -> str:
        at = date_format(timezone.localtime(self.answered_at), "DATETIME_FORMAT")
        return f"{self.get_kind_display()} at {at}"


class Introduction(models.Model):
    """On a blind send: a recruiter asked to learn who the seeker is, and what they decided.

    Only an accepted request releases the full packet (name, contact details, CV) to
    that recruiter, with its own consent and disclosure record.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for your decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    delivery = models.OneToOneField(Delivery, on_delete=models.CASCADE, related_name="introduction")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    consent = models.ForeignKey(
        Consent, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            # Nothing released without the seeker's yes and its disclosure record.
            models.CheckConstraint(
                condition=~Q(decision="accepted")
                | (Q(consent__isnull=False) & Q(disclosure__isnull=False)),
                name="introduction_accepted_is_recorded",
            )
        ]

    def __str__(self) -> str:
        return f"Introduction #{self.pk} ({self.get_decision_display().lower()})"

    @property
    def accepted(self) -> bool:
        return self.decision == self.Decision.ACCEPTED
