"""Registry entries for the third-party models that hold account data."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session

from privacy.registry import Erasure, declare, exempt

declare(
    EmailAddress,
    section="2.1",
    category="Email addresses",
    purpose="To sign you in, confirm that an address is yours and write to you.",
    fields=("email", "verified", "primary"),
    user_path="user",
    erasure=Erasure.DELETE,
    retention="As long as you keep your account.",
)
declare(
    EmailConfirmation,
    section="2.1",
    category="Email confirmations",
    purpose="To check that you own an email address you added.",
    fields=("created", "sent"),
    user_path="email_address__user",
    erasure=Erasure.DELETE,
    retention="Until the address is confirmed or the link expires (3 days).",
    exporter=lambda user: [],
)
declare(
    Authenticator,
    section="2.1",
    category="Two-factor authentication",
    purpose="To protect your account with a second factor you chose.",
    fields=("type", "created_at", "last_used_at"),
    user_path="user",
    erasure=Erasure.DELETE,
    retention="Until you remove the authenticator or your account.",
)


def _export_sessions(user):
    for row in UserSession.objects.filter(user=user).order_by("-last_seen_at"):
        yield {
            "created_at": row.created_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
            "ip": row.ip,
            "user_agent": row.user_agent,
        }


declare(
    UserSession,
    section="2.7",
    category="Sign-in sessions",
    purpose="To show you where you are signed in and let you sign out elsewhere; "
    "to protect your account.",
    fields=("ip", "user_agent", "created_at", "last_seen_at"),
    user_path="user",
    erasure=Erasure.DELETE,
    retention="Until the session ends (at most 14 days of inactivity).",
    exporter=_export_sessions,
)


def _erase_sessions(user):
    keys = UserSession.objects.filter(user=user).values_list("session_key", flat=True)
    Session.objects.filter(session_key__in=list(keys)).delete()


declare(
    Session,
    section="2.9",
    category="Session cookies",
    purpose="To keep you signed in between pages (a strictly necessary cookie).",
    fields=(),
    user_path=None,
    erasure=Erasure.DELETE,
    retention="14 days, or until you sign out.",
    eraser=_erase_sessions,
)
declare(
    LogEntry,
    section="2.1",
    category="Staff action log",
    purpose="A record of changes staff made in the admin, for accountability.",
    fields=("action_time", "object_repr", "change_message"),
    user_path="user",
    erasure=Erasure.DELETE,
    retention="As long as the staff account exists.",
    exporter=lambda user: [],
)
exempt(Group, reason="Staff permission groups: names of roles, not people.")
exempt(Permission, reason="Permission names are vocabulary, not personal data.")
exempt(ContentType, reason="Names of models, not of people.")
