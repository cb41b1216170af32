"""Password rules of our own, on top of Django's (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Look-alike characters people swap in ("j0bl3tt3rs"); "1" is read both ways.
_LOOKALIKES = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
# Domain labels too common to be the person's own (sam@mail.example.co.uk).
_GENERIC_LABELS = {"com", "net", "org", "edu", "gov", "co", "ac", "mail", "email", "www"}


def _foldings(text: str) -> set[str]:
    """The text lowercased, look-alikes read as letters, everything but letters dropped."""
    base = text.lower().translate(_LOOKALIKES)
    return {re.sub(r"[^a-z]", "", base.replace("1", l_or_i)) for l_or_i in ("l", "i")}


def _email_words(email: str, *, min_length: int) -> set[str]:
    local, _, domain = email.lower().partition("@")
    words = set(re.split(r"[^a-z0-9]+", local))
    words.add(re.sub(r"[^a-z0-9]", "", local))  # the whole local part, separators dropped
    labels = domain.split(".")[:-1]  # not the top-level domain
    for label in labels:
        if label not in _GENERIC_LABELS:
            words.update(re.split(r"[^a-z0-9]+", label))
    return {folded for word in words for folded in _foldings(word) if len(folded) >= min_length}


class NoSiteNameOrEmailValidator:
    """Refuse passwords that contain the site's name or words of the person's email address.

    Both are the first things a guesser tries against a Job Letters account, and
    Django's similarity validator lets them through inside a longer password
    ("jobletters2026!", "samseeker-password").
    """

    def __init__(
        self, site_names: tuple[str, ...] = ("jobletters", "job letters"), min_length: int = 4
    ) -> None:
        self.site_names = {folded for name in site_names for folded in _foldings(name)}
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        folded = _foldings(password)
        if any(name in candidate for name in self.site_names for candidate in folded):
            raise ValidationError(
                _("Your password must not contain the name of this site."),
                code="password_contains_site_name",
            )
        email = str(getattr(user, "email", "") or "")
        if email and any(
            word in candidate
            for word in _email_words(email, min_length=self.min_length)
            for candidate in folded
        ):
            raise ValidationError(
                _("Your password must not contain parts of your email address."),
                code="password_contains_email",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must not contain the name of this site or parts of your email address."
        )
