"""The account's cookie (declared for the cookie table, privacy.cookies)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from privacy.cookies import Category, declare_cookie

from .signin import COOKIE_NAME

declare_cookie(
    COOKIE_NAME,
    category=Category.NECESSARY,
    purpose=_(
        "Security: recognises a browser that has signed in to an account before, so wrong "
        "passwords typed by strangers elsewhere never slow down your own sign-in. It holds a "
        "random number for this browser and which accounts signed in here, signed so that "
        "it cannot be forged."
    ),
    max_age=settings.KNOWN_DEVICE_COOKIE_AGE,
)

# The language menu (accounts.languages). A language someone asks for is a setting of
# the page they requested, kept only until the browser closes, so it needs no consent;
# a signed-in person's choice is kept on their account instead of in a cookie.
declare_cookie(
    settings.LANGUAGE_COOKIE_NAME,
    category=Category.NECESSARY,
    purpose=_(
        "Remembers the language you chose with the language menu while you are not signed "
        "in. Set only when you choose one; a signed-in person's choice is kept on their "
        "account instead."
    ),
    max_age=None,
)
