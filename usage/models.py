"""Usage information (policy §2.7): sign-ins and where sign-ups came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class SignIn(models.Model):
    """One sign-in to an account: when, from which IP address and browser.

    Shown to the person on their security page (with the browser and device in
    words) so they can spot a sign-in that was not theirs. The IP address is
    shortened to its network after ``privacy.promises.SIGN_IN_IP_TRUNCATE_DAYS`` and the
    row deleted after ``SIGN_IN_RETENTION_DAYS`` (rules in ``usage/personal_data.py``).
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins"
    )
    signed_in_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    ip_truncated = models.BooleanField(
        _("IP address shortened"), default=False, help_text=_("Only its network is kept.")
    )
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    # SHA-256 of the session key: finds the session to end ("this wasn't me") without
    # keeping a second copy of the key itself.
    session_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reported_at = models.DateTimeField(
        _("reported as not theirs"), null=True, blank=True, help_text=_('"This wasn\'t me".')
    )

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ("-signed_in_at", "-pk")
        indexes = [
            models.Index(fields=["person", "-signed_in_at"], name="signin_person_recent"),
            models.Index(fields=["signed_in_at"], name="signin_time"),
        ]

    def __str__(self) -> str:
        return f"Sign-in at {date_format(timezone.localtime(self.signed_in_at), 'DATETIME_FORMAT')}"


class SignUpSource(models.Model):
    """The host of the page that sent the person to our sign-up form (another site's)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signup_source"
    )
    referrer_host = models.CharField(_("site you came from"), max_length=253)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-up source")
        verbose_name_plural = _("sign-up sources")

    def __str__(self) -> str:
        return self.referrer_host
