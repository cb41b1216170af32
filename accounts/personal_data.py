"""Registry entries for the account: the user, allauth's models, sessions and the admin log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import promises
from privacy.registry.declarations import Actor, Basis, Erasure, declare, exempt, generic_about
from privacy.registry.retention import Retention

from .models import User


def delete_unverified_accounts(now: datetime) -> int:
    """Accounts whose email address was never confirmed are erased after a while."""
    from privacy.rights.erasure import erase_person

    cutoff = now - timedelta(days=promises.UNVERIFIED_ACCOUNT_DAYS)
    stale = (
        User.objects.filter(date_joined__lt=cutoff, is_staff=False, last_login__isnull=True)
        .exclude(emailaddress__verified=True)
        .values_list("pk", flat=True)
    )
    erased = 0
    for pk in list(stale[:500]):
        if erase_person(pk, final_email=False).erased:
            erased += 1
    return erased


declare(
    User,
    section="2.1",
    category=_("Your account"),
    purpose=_("To set up your account, let you sign in and contact you about it."),
    legal_basis=Basis.CONTRACT,
    fields=(
        "email",
        "name",
        "date_joined",
        "language",
        "last_login",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    ),
    held={"password": _("A one-way hash of your password: it cannot be turned back into it.")},
    about="",
    erasure=Erasure.DELETE,
    retention=Retention(
        period=timedelta(days=promises.UNVERIFIED_ACCOUNT_DAYS),
        event=_("sign-up if the email address is never confirmed"),
        enforce=delete_unverified_accounts,
        note=_("Otherwise as long as you keep your account; erased when you delete it."),
    ),
)
declare(
    EmailAddress,
    section="2.1",
    category=_("Email addresses"),
    purpose=_("To sign you in, confirm that an address is yours and write to you."),
    fields=("email", "verified", "primary"),
    about="user",
    erasure=Erasure.DELETE,
    retention=Retention.account(),
)
declare(
    EmailConfirmation,
    section="2.1",
    category=_("Email confirmations"),
    purpose=_("To check that you own an email address you added."),
    fields=("email_address", "created", "sent"),
    held={"key": _("The secret in the confirmation link: it only proves the link is ours.")},
    about="email_address__user",
    erasure=Erasure.DELETE,
    retention=Retention.after_event(days=3, field="created", event=_("the link was made")),
)
declare(
    Authenticator,
    section="2.1",
    category=_("Two-factor authentication"),
    purpose=_("To protect your account with a second factor you chose."),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    fields=("type", "created_at", "last_used_at"),
    held={"data": _("Your second-factor secret, encrypted: shown to nobody, not even you.")},
    about="user",
    erasure=Erasure.DELETE,
    retention=Retention.account(_("Until you remove the authenticator.")),
)


def end_stale_user_sessions(now: datetime) -> int:
    """A sign-in session's record (IP address, browser) goes when the session ends."""
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    deleted, _ = UserSession.objects.exclude(session_key__in=live).delete()
    return deleted


declare(
    UserSession,
    section="2.7",
    category=_("Sign-in sessions"),
    purpose=_(
        "To show you where you are signed in and let you sign out elsewhere; "
        "to protect your account."
    ),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    fields=("ip", "user_agent", "created_at", "last_seen_at"),
    held={
        "session_key": _("The key of your session cookie: it would let anyone holding it in."),
        "data": _("Technical details of the session kept by our sign-in library."),
    },
    about="user",
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        event=_("the session ends (you sign out, or 14 days without use)"),
        enforce=end_stale_user_sessions,
    ),
)


def sessions_of(user: Any) -> QuerySet:
    """The person's session rows: those allauth lists, and any other signed in as them.

    Django's sessions are not indexed by person, so the live ones are read; the
    retention job removes expired ones, which keeps this bounded.
    """
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    wanted = str(user.pk)
    for row in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if row.get_decoded().get("_auth_user_id") == wanted:
            keys.add(row.session_key)
    return Session.objects.filter(session_key__in=keys)


declare(
    Session,
    section="2.9",
    category=_("Session cookies"),
    purpose=_("To keep you signed in between pages (a strictly necessary cookie)."),
    legal_basis=Basis.CONTRACT,
    fields=("expire_date",),
    held={
        "session_key": _("The key of your session cookie: it would let anyone holding it in."),
        "session_data": _("Internal state of your visit (which account is signed in)."),
    },
    about=sessions_of,
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        field="expire_date", event=_("the session expires (14 days, or when you sign out)")
    ),
)
declare(
    LogEntry,
    section="2.1",
    category=_("Changes staff made to your data"),
    purpose=_("A record of changes our staff made in the admin, for accountability."),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    fields=("action_time", "action_flag", "content_type", "object_repr", "change_message"),
    held={"object_id": _("The internal number of the record that was changed.")},
    about=generic_about(LogEntry),
    acted=Actor(
        "user",
        fields=("action_time", "action_flag", "content_type"),
        erasure=Erasure.DELETE,
        description="Changes you made as a member of staff (what kind, not whose).",
    ),
    erasure=Erasure.DELETE,
    retention=Retention.after_event(days=2 * 365, field="action_time", event=_("the change")),
)
exempt(Group, reason="Staff permission groups: names of roles, not people.", reviewed=("name",))
exempt(Permission, reason="Permission names are vocabulary, not personal data.", reviewed=("name",))
exempt(ContentType, reason="Names of models, not of people.")
