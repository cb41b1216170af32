"""What a seeker tells us about themselves: contact details (§2.1), the professional
profile and job letter recruiters read (§2.2), and their CV files (§2.6).

Contact details live apart from the profile on purpose: the profile is what a
packet shares with recruiters, the postal address and phone are not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from taxonomy.models import in_place, target_value

from .letters import render_letter

# How many targets a seeker may choose (a job in a place each, e.g. lawyer in London):
# the rule is services.check_target_count.
MAX_TARGETS = 10
# The most a profile can hold: 5 occupations x 5 places, kept as pairs when targets
# became pairs (until the seeker removes some); anything longer is not a real form.
MAX_KEPT_TARGETS = 25


class ContactDetails(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_details"
    )
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField(blank=True)
    phone = PhoneNumberField(_("phone number"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return f"Contact details of user {self.user_id}"


class Profile(models.Model):
    class Seniority(models.TextChoices):
        ENTRY = "entry", _("Entry level / graduate")
        JUNIOR = "junior", _("Junior")
        MID = "mid", _("Mid-level")
        SENIOR = "senior", _("Senior")
        LEAD = "lead", _("Lead / principal")
        MANAGER = "manager", _("Manager")
        EXECUTIVE = "executive", _("Director / executive")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    headline = models.CharField(
        max_length=120, blank=True, help_text=_('One line, e.g. "Commercial lawyer, 8 years".')
    )
    summary = models.TextField(max_length=2000, blank=True)
    years_of_experience = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    seniority = models.CharField(max_length=20, choices=Seniority.choices, blank=True)
    skills = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    related_roles = models.BooleanField(
        _("also related roles"),
        default=False,
        help_text=_(
            "When on, recruiters for roles close to the ones you chose match too (for a "
            "lawyer: judges and notaries). When off, only recruiters for your own roles."
        ),
    )
    linkedin_url = models.URLField(_("LinkedIn profile"), max_length=200, blank=True)
    open_to_recruiters = models.BooleanField(
        _("open to recruiters"),
        default=False,
        help_text=_("When on, we match you with recruiters; nothing is sent without your consent."),
    )
    # As the seeker typed it, light formatting included (profiles.letters); shown through
    # letter_html in templates/profiles/_job_letter.html, the one place recruiters see it.
    job_letter = models.TextField(blank=True)
    job_letter_updated_at = models.DateTimeField(null=True, blank=True)
    # Set when the targets chosen before they were pairs (occupations and places as two
    # lists) were kept as pairs: the seeker is told once, until they dismiss it.
    targets_kept_as_pairs = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"Profile of user {self.user_id}"

    @property
    def letter_html(self) -> SafeString:
        return render_letter(self.job_letter)


class Target(models.Model):
    """What a seeker is looking for: an occupation, as the job title they chose, in one
    place ("Solicitor in London"). A pair, never crossed with another target's place.
    Without a title (none chosen, or one the vocabulary no longer has) the occupation is
    named by its group's everyday name."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="targets")
    occupation = models.ForeignKey(
        "taxonomy.Occupation", on_delete=models.CASCADE, related_name="+"
    )
    title = models.ForeignKey(
        "taxonomy.OccupationTitle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The job title the seeker chose, e.g. Solicitor."),
    )
    place = models.ForeignKey("taxonomy.Place", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "occupation", "place"], name="profiles_target_once"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def role(self) -> str:
        """ "Solicitor": the title chosen, or the group's everyday name."""
        return self.title.display if self.title else self.occupation.plain_title

    @property
    def label(self) -> str:
        """ "Solicitor in London, United Kingdom"."""
        return in_place(self.role, self.place)

    @property
    def value(self) -> str:
        """What the profile form posts for this target: "12.345@678"."""
        return target_value(self.occupation_id, self.title_id, self.place_id)


def with_targets(lookup: str = "targets") -> models.Prefetch:
    """Prefetch a profile's targets with their occupation, title and place, in one
    query: ``prefetch_related(with_targets())``."""
    return models.Prefetch(
        lookup, queryset=Target.objects.select_related("occupation", "title", "place")
    )


class CVQuerySet(models.QuerySet["CV"]):
    def ready(self) -> CVQuerySet:
        """CVs that passed the deep check: the only ones that may be downloaded,
        previewed, made current or sent (recruiters receive ``normalised_file``)."""
        return self.filter(state=CV.State.READY)

    def counted(self) -> CVQuerySet:
        """CVs that count towards a person's limit (refused ones are only a notice)."""
        return self.exclude(state=CV.State.REFUSED)


class CV(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("Word document")

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking the file…")
        READY = "ready", _("Ready")
        REFUSED = "refused", _("Refused")

    class TextState(models.TextChoices):
        PENDING = "pending", _("Reading the text…")
        DONE = "done", _("Text read")
        FAILED = "failed", _("Text could not be read")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cvs"
    )
    # The person's own file, as uploaded (kept in quarantine until checked, emptied if
    # refused). The storage key comes from jobletters.lib.files.generate_key.
    file = models.FileField(_("your file, as uploaded"), max_length=255, blank=True)
    # The copy recruiters receive: rewritten by the deep check with only what a CV needs.
    normalised_file = models.FileField(
        _("the checked copy recruiters receive"), max_length=255, blank=True
    )
    original_name = models.CharField(
        _("file name"), max_length=255, help_text=_("Sanitised, for display only.")
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    # Why the file was refused, in words the person can act on.
    refusal = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    # When the seeker made this CV current themselves (not when it became current on its own).
    chosen_at = models.DateTimeField(_("chosen as current"), null=True, blank=True)
    text = models.TextField(blank=True)
    text_state = models.CharField(
        max_length=10, choices=TextState.choices, default=TextState.PENDING
    )
    text_extracted_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = CVQuerySet.as_manager()

    class Meta:
        verbose_name = _("CV")
        verbose_name_plural = _("CVs")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(is_current=True),
                name="profiles_cv_one_current_per_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(is_current=False) | models.Q(state="ready"),
                name="profiles_cv_only_ready_is_current",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-uploaded_at"], name="profiles_cv_owner_recent")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def refusal_words(self) -> str:
        """Why it was refused, in the reader's language (stored in English; a refusal that
        names a detail of the file is not in the catalogue and stays in English)."""
        return gettext(self.refusal) if self.refusal else ""
