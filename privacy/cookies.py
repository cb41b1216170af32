"""Cookies and similar technologies (policy §2.9, §6): one declaration, the choice, the banner.

Every cookie or local-storage entry the site may set is declared once, with its
category, purpose and lifetime: Django's own below, the others in their app's
``cookies.py`` (found like ``personal_data.py``)::

    from privacy.cookies import Category, declare_cookie

    declare_cookie(
        "jl_device", category=Category.NECESSARY, max_age=365 * 24 * 3600,
        purpose=_("Recognises a browser that signed in before (security)."),
    )

``/privacy/cookies/`` renders its table from these declarations, and a test holds
every cookie the site really sets to them. A cookie outside the strictly
necessary category may only be set when :func:`allows` says the visitor chose
it (``allows(request, Category.PREFERENCES)``).

The visitor's choice lives in a strictly necessary cookie (``jl_cookies``, read
only by the server); a signed-in person's choice also goes to
the consent ledger (``privacy.services.record_consent``), and the ledger's choice
comes back to each browser they sign in on. Until a choice is made the banner is
shown on every page and only strictly necessary cookies are set.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.messages.storage.cookie import CookieStorage
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

CHOICE_COOKIE = "jl_cookies"
# Raised when a new kind of optional cookie needs everyone to choose again.
CHOICE_VERSION = 1
CHOICE_MAX_AGE = 180 * 24 * 60 * 60  # about six months, then we ask again


class Category(enum.StrEnum):
    NECESSARY = "necessary"
    PREFERENCES = "preferences"
    ANALYTICS = "analytics"

    @property
    def label(self) -> Promise:
        return {
            "necessary": _("Strictly necessary"),
            "preferences": _("Preferences"),
            "analytics": _("Analytics"),
        }[self.value]

    @property
    def description(self) -> Promise:
        return {
            "necessary": _(
                "Keep you signed in, protect forms and your account, and remember this "
                "choice. Always on: the site cannot work without them."
            ),
            "preferences": _(
                "Remember choices you make on the site, such as the place you follow in "
                "the community, so you need not make them again."
            ),
            "analytics": _(
                "Count how long our pages take to answer, per page and hour, so we can keep "
                "the site fast. This uses no cookie and records nothing about you; if you "
                "say no, your visits are left out of the counts too."
            ),
        }[self.value]

    @property
    def optional(self) -> bool:
        return self is not Category.NECESSARY


OPTIONAL = (Category.PREFERENCES, Category.ANALYTICS)

# The words a consent row keeps (privacy.models.Consent.text): what the banner says.
CONSENT_PURPOSES = {
    Category.PREFERENCES: "cookies_preferences",
    Category.ANALYTICS: "cookies_analytics",
}


def consent_text(category: Category) -> str:
    return f"{category.label}: {category.description}"


# --- Declarations ---------------------------------------------------------------------


class Storage(enum.StrEnum):
    COOKIE = "cookie"
    LOCAL_STORAGE = "localStorage"


@dataclass(frozen=True)
class CookieDeclaration:
    name: str
    category: Category
    purpose: str | Promise
    # The longest the browser keeps it, in seconds; None: until the browser is closed.
    max_age: int | None
    lifetime: str | Promise = ""  # words, when seconds say too little
    storage: Storage = Storage.COOKIE

    @property
    def lifetime_words(self) -> str | Promise:
        if self.lifetime:
            return self.lifetime
        if self.max_age is None:
            return _("Until you close the browser")
        days = round(self.max_age / 86400)
        if days >= 365 and days % 365 == 0:
            years = days // 365
            return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


_declared: dict[str, CookieDeclaration] = {}


class DuplicateCookie(Exception):
    pass


def declare_cookie(
    name: str,
    *,
    category: Category,
    purpose: str | Promise,
    max_age: int | None,
    lifetime: str | Promise = "",
    storage: Storage = Storage.COOKIE,
) -> CookieDeclaration:
    """Record a cookie (or local-storage entry) the site may set; see the module's doc."""
    if name in _declared:
        raise DuplicateCookie(f"The cookie {name!r} is already declared")
    declaration = CookieDeclaration(
        name=name,
        category=Category(category),
        purpose=purpose,
        max_age=max_age,
        lifetime=lifetime,
        storage=Storage(storage),
    )
    _declared[name] = declaration
    return declaration


_discovered = False


def autodiscover() -> None:
    """Import every installed app's ``cookies`` module (once)."""
    global _discovered
    if _discovered:
        return
    autodiscover_modules("cookies")
    _discovered = True


def declared_cookies() -> list[CookieDeclaration]:
    """Every declared cookie, strictly necessary first."""
    autodiscover()
    order = {category: n for n, category in enumerate(Category)}
    return sorted(_declared.values(), key=lambda d: (order[d.category], d.storage, d.name))


def declaration_of(name: str) -> CookieDeclaration | None:
    autodiscover()
    return _declared.get(name)


# Django's own cookies (their names come from settings).
declare_cookie(
    settings.SESSION_COOKIE_NAME,
    category=Category.NECESSARY,
    purpose=_(
        "Keeps you signed in from page to page. Set when you sign in, removed when you sign out."
    ),
    max_age=settings.SESSION_COOKIE_AGE,
    lifetime=format_lazy(
        _(
            "Until you close the browser, or {days} days after your last visit if you ticked "
            "“Remember me”; removed when you sign out"
        ),
        days=settings.SESSION_COOKIE_AGE // 86400,
    ),
)
declare_cookie(
    settings.CSRF_COOKIE_NAME,
    category=Category.NECESSARY,
    purpose=_("Proves that a form you send was shown by our site (protection against forgery)."),
    max_age=settings.CSRF_COOKIE_AGE,
)
declare_cookie(
    CookieStorage.cookie_name,
    category=Category.NECESSARY,
    purpose=_('Carries a short message to the next page, such as "Your name was saved".'),
    max_age=None,
    lifetime=_("Until the message is shown (at most until you close the browser)"),
)
declare_cookie(
    CHOICE_COOKIE,
    category=Category.NECESSARY,
    purpose=_("Remembers your choice about optional cookies, so we do not ask on every page."),
    max_age=CHOICE_MAX_AGE,
)


# --- The choice -------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    made: bool = False
    preferences: bool = False
    analytics: bool = False

    def allows(self, category: Category) -> bool:
        if category is Category.NECESSARY:
            return True
        return self.made and bool(getattr(self, category.value))

    def as_cookie(self) -> str:
        parts = [f"v{CHOICE_VERSION}"] + [c.value for c in OPTIONAL if getattr(self, c.value)]
        return ".".join(parts)

    @classmethod
    def from_cookie(cls, value: str | None) -> Choice:
        """``v1.preferences.analytics``; anything else (or an older version) is no choice."""
        if not value:
            return cls()
        version, *parts = value.split(".")
        if version != f"v{CHOICE_VERSION}" or not set(parts) <= {c.value for c in OPTIONAL}:
            return cls()
        return cls(made=True, **{c.value: c.value in parts for c in OPTIONAL})

    @property
    def key(self) -> str:
        """A short, bounded key for pages cached per choice ("unmade" shows the banner)."""
        return self.as_cookie() if self.made else "unmade"


def choice_of(request: HttpRequest) -> Choice:
    """This browser's choice (read once per request from its cookie)."""
    cached = getattr(request, "_cookie_choice", None)
    if cached is None:
        cached = Choice.from_cookie(request.COOKIES.get(CHOICE_COOKIE))
        request._cookie_choice = cached  # type: ignore[attr-defined]
    return cached


def allows(request: HttpRequest, category: Category) -> bool:
    """May a cookie of ``category`` be set for this browser?"""
    return choice_of(request).allows(category)


def analytics_declined(request: HttpRequest) -> bool:
    """The visitor said no to analytics (no choice yet is not a no: see Category.ANALYTICS)."""
    choice = choice_of(request)
    return choice.made and not choice.analytics


def set_choice_cookie(response: HttpResponse, choice: Choice) -> None:
    response.set_cookie(
        CHOICE_COOKIE,
        choice.as_cookie(),
        max_age=CHOICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,  # only the server reads it
        samesite="Lax",
    )


def apply_choice(
    *, request: HttpRequest, response: HttpResponse, preferences: bool, analytics: bool
) -> Choice:
    """Save the choice: the browser's cookie, the ledger for a signed-in person, and
    cookies of categories now refused removed from the browser."""
    choice = Choice(made=True, preferences=preferences, analytics=analytics)
    set_choice_cookie(response, choice)
    request._cookie_choice = choice  # type: ignore[attr-defined]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        record_choice(person=user, choice=choice)
    refused = [c for c in OPTIONAL if not choice.allows(c)]
    for declaration in declared_cookies():
        if (
            declaration.category in refused
            and declaration.storage is Storage.COOKIE
            and declaration.name in request.COOKIES
        ):
            response.delete_cookie(declaration.name, samesite="Lax")
    return choice


def record_choice(*, person: Any, choice: Choice, note: str = "") -> None:
    """One consent-ledger row per optional category, with the words the banner shows."""
    from .services import record_consent

    for category in OPTIONAL:
        record_consent(
            person=person,
            purpose=CONSENT_PURPOSES[category],
            granted=choice.allows(category),
            text=" ".join(filter(None, [consent_text(category), note])),
            reference="cookie-banner",
        )


def ledger_choice(person: Any) -> Choice | None:
    """The person's newest choice in the consent ledger (None: never chosen)."""
    from .models import Consent

    latest: dict[str, bool] = {}
    rows = (
        Consent.objects.filter(person=person, purpose__in=CONSENT_PURPOSES.values())
        .order_by("-created_at", "-pk")
        .values_list("purpose", "granted")
    )
    for purpose, granted in rows[:20]:
        latest.setdefault(purpose, granted)
        if len(latest) == len(CONSENT_PURPOSES):
            break
    if not latest:
        return None
    return Choice(
        made=True,
        **{c.value: latest.get(CONSENT_PURPOSES[c], False) for c in OPTIONAL},
    )


# --- Signing in: the ledger and the browser agree ------------------------------------------


@receiver(user_logged_in, dispatch_uid="privacy.cookie_choice_on_sign_in")
def _sync_choice_on_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """The ledger's choice follows the person to a new browser; a choice this browser
    made before signing in goes to the ledger when the ledger has none."""
    if request is None or not hasattr(request, "COOKIES"):
        return
    saved = ledger_choice(user)
    here = choice_of(request)
    if saved is not None:
        if saved != here:
            request._cookie_choice_to_set = saved  # type: ignore[attr-defined]
            request._cookie_choice = saved  # type: ignore[attr-defined]
    elif here.made:
        record_choice(person=user, choice=here, note="(Chosen in this browser before signing in.)")


class CookieChoiceMiddleware:
    """Writes the choice cookie decided while signing in (see ``_sync_choice_on_sign_in``)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        choice = getattr(request, "_cookie_choice_to_set", None)
        if choice is not None:
            set_choice_cookie(response, choice)
        return response


# --- Pages ---------------------------------------------------------------------------------


def banner_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``cookie_choice`` (the banner shows while it is not made)."""
    return {"cookie_choice": choice_of(request), "cookie_choice_categories": OPTIONAL}


def same_origin(request: HttpRequest) -> bool:
    """A visitor's choice is posted without a CSRF token (the cached pages carry none):
    the browser's ``Origin`` (or ``Referer``) must be this site, so another site
    cannot choose for them."""
    origin = request.META.get("HTTP_ORIGIN")
    ours = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    if origin:
        return origin in ours
    if request.META.get("HTTP_SEC_FETCH_SITE") not in (None, "same-origin", "none"):
        return False
    referrer = request.META.get("HTTP_REFERER")
    if referrer:
        parts = urlsplit(referrer)
        return f"{parts.scheme}://{parts.netloc}" in ours
    return True
