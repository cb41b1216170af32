"""Where a person is signed in, and ending sign-ins that were not theirs (§2.7): "This
wasn't me" ends that session (and, if asked, every other but the browser in use), marks the
sign-in as reported, and the page then asks for a new password.
"""

from __future__ import annotations

from typing import Any

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from usage.models import SignIn
from usage.services import mark_sign_in_reported, session_hash


def live_sessions_of(user: Any) -> QuerySet[UserSession]:
    """The person's sessions that still let someone in (one query, no clean-up on reading)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("-last_seen_at")


def session_of(user: Any, pk: int) -> UserSession | None:
    """One of the person's own live sessions (another person's is None: a 404)."""
    return live_sessions_of(user).filter(pk=pk).first()


def end_other_sessions(*, user: Any, keep_session_key: str) -> int:
    """Sign every other browser out (allauth's ``end()``: the session and its row go)."""
    others = list(UserSession.objects.filter(user=user).exclude(session_key=keep_session_key))
    for user_session in others:
        user_session.end()
    return len(others)


def report_not_me(
    *,
    user: Any,
    current_session_key: str,
    user_session: UserSession | None = None,
    sign_in: SignIn | None = None,
    end_others: bool = False,
) -> None:
    """The person says a session or sign-in was not theirs: end it (and others if asked).

    The browser in use is never signed out here: the person needs it to change
    their password next.
    """
    with transaction.atomic():
        targets: list[UserSession] = []
        if user_session is not None and user_session.session_key != current_session_key:
            targets.append(user_session)
        if sign_in is not None:
            mark_sign_in_reported(sign_in=sign_in)
            if sign_in.session_hash:
                targets += [
                    s
                    for s in UserSession.objects.filter(user=user).exclude(
                        session_key=current_session_key
                    )
                    if session_hash(s.session_key) == sign_in.session_hash
                ]
        if user_session is not None:
            SignIn.objects.filter(
                person=user,
                session_hash=session_hash(user_session.session_key),
                reported_at__isnull=True,
            ).update(reported_at=timezone.now())
        for target in {s.pk: s for s in targets}.values():
            target.end()
        if end_others:
            end_other_sessions(user=user, keep_session_key=current_session_key)
