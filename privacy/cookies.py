"""Cookies (policy §2.9): every cookie the site sets, why, and for how long.

Only cookies the site cannot work without, so no banner. tests/privacy/test_cookies.py fails
when a response sets a cookie missing here, or one listed here is never set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.signin import COOKIE_NAME as KNOWN_DEVICE_COOKIE
from privacy.registry.retention import duration_words


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Promise
    # The longest the browser keeps it, in seconds; None: until the browser is closed.
    max_age: int | None
    lifetime: str | Promise | None = None  # words, when seconds say too little

    @property
    def lifetime_words(self) -> str | Promise:
        if self.lifetime:
            return self.lifetime
        if self.max_age is None:
            return _("Until you close the browser")
        return duration_words(timedelta(seconds=self.max_age))


COOKIES = (
    Cookie(
        settings.SESSION_COOKIE_NAME,
        _(
            "Keeps you signed in from page to page. Set when you sign in, removed when you "
            "sign out."
        ),
        max_age=settings.SESSION_COOKIE_AGE,
        lifetime=format_lazy(
            _(
                "Until you close the browser, or {days} days after your last visit if you "
                "ticked “Remember me”; removed when you sign out"
            ),
            days=settings.SESSION_COOKIE_AGE // 86400,
        ),
    ),
    Cookie(
        settings.CSRF_COOKIE_NAME,
        _("Proves that a form you send was shown by our site (protection against forgery)."),
        max_age=settings.CSRF_COOKIE_AGE,
    ),
    Cookie(
        CookieStorage.cookie_name,
        _('Carries a short message to the next page, such as "Your name was saved".'),
        max_age=None,
        lifetime=_("Until the message is shown (at most until you close the browser)"),
    ),
    # accounts.signin: it keeps strangers' wrong passwords from locking the owner out.
    Cookie(
        KNOWN_DEVICE_COOKIE,
        _(
            "Security: recognises a browser that has signed in to an account before, so wrong "
            "passwords typed by strangers elsewhere never slow down your own sign-in. It holds "
            "a random number for this browser and which accounts signed in here, signed so "
            "that it cannot be forged."
        ),
        max_age=settings.KNOWN_DEVICE_COOKIE_AGE,
    ),
    # accounts.languages: a language someone asks for is a setting of the pages they
    # requested, kept until the browser closes; a signed-in person's goes on their account.
    Cookie(
        settings.LANGUAGE_COOKIE_NAME,
        _(
            "Remembers the language you chose with the language menu while you are not signed "
            "in. Set only when you choose one; a signed-in person's choice is kept on their "
            "account instead."
        ),
        max_age=None,
    ),
)
