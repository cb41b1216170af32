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
