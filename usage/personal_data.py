"""Registry entries for usage information (policy §2.7).

Sign-ins keep the IP address and browser for the person's security page: the
address is shortened to its network (/24 for IPv4, /48 for IPv6) after
``promises.SIGN_IN_IP_TRUNCATE_DAYS`` and the row deleted after
``promises.SIGN_IN_RETENTION_DAYS``. The site a person came from when signing up is
its host name only, deleted after as long.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from privacy import promises
from privacy.registry.declarations import Basis, Erasure, declare
from privacy.registry.minimise import truncate_ip
from privacy.registry.retention import Reduce, Retention

from .models import SignIn, SignUpSource

_SHORTENED = format_lazy(
    _(
        "The IP address is shortened to its network (the last part removed: 203.0.113.0 "
        "instead of 203.0.113.77) after {days} days."
    ),
    days=promises.SIGN_IN_IP_TRUNCATE_DAYS,
)

declare(
    SignIn,
    section="2.7",
    category=_("Sign-ins to your account"),
    purpose=_(
        "To show you when, from which IP address and on which browser and device your "
        "account was signed in to, so you can spot and stop a sign-in that was not yours."
    ),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    recipients=(_("Nobody outside Job Letters"),),
    about="person",
    fields=("signed_in_at", "ip", "ip_truncated", "user_agent", "reported_at"),
    held={
        "session_hash": _(
            "A one-way hash of the sign-in's session key: it only finds that "
            "session to end it when you say it was not you."
        ),
    },
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        days=promises.SIGN_IN_RETENTION_DAYS,
        field="signed_in_at",
        event=_("the sign-in"),
        reduce=(
            Reduce(
                days=promises.SIGN_IN_IP_TRUNCATE_DAYS,
                after="signed_in_at",
                fields=("ip",),
                to=truncate_ip,
                pending=Q(ip_truncated=False),
                mark={"ip_truncated": True},
                words=_SHORTENED,
            ),
        ),
    ),
)
declare(
    SignUpSource,
    section="2.7",
    category=_("The site you came from when you signed up"),
    purpose=_(
        "To understand which sites bring people to Job Letters. Only the site's name is "
        "kept (for example www.example.org), never the page or anything else about your visit, "
        "and nothing when your browser asks not to be tracked."
    ),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    recipients=(_("Nobody outside Job Letters"),),
    about="person",
    fields=("referrer_host", "created_at"),
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        days=promises.SIGN_IN_RETENTION_DAYS, field="created_at", event=_("you signed up")
    ),
)
