"""Where a person is signed in, and ending sign-ins that were not theirs (§2.7).

The security page lists the person's live sessions (allauth's ``UserSession``
rows whose Django session has not expired) and their recent sign-ins
(``usage.SignIn``), each with the browser and device in words. "This wasn't me"
ends that session, and every other one but the browser in use when asked, and
marks the sign-in as reported; the page then asks for a new password.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from usage.models import SignIn
from usage.services import mark_sign_in_reported, session_hash, sign_ins_of

RECENT_SIGN_INS = 20


def live_sessions_of(user: Any) -> QuerySet[UserSession]:
    """The person's sessions that still let someone in (one query, no clean-up on reading)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("-last_seen_at")


def session_of(user: Any, pk: int) -> UserSession | None:
    """One of the person's own live sessions (another person's is None: a 404)."""
    return live_sessions_of(user).filter(pk=pk).first()


def recent_sign_ins_of(user: Any) -> QuerySet[SignIn]:
    return sign_ins_of(user)[:RECENT_SIGN_INS]


def end_session(*, user_session: UserSession) -> None:
    """Sign that browser out: its session and its row go."""
    user_session.end()


def end_other_sessions(*, user: Any, keep_session_key: str) -> int:
    ended = 0
    for user_session in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key):
        user_session.end()
        ended += 1
    return ended


@dataclass(frozen=True)
class NotMe:
    sessions_ended: int


def report_not_me(
    *,
    user: Any,
    current_session_key: str,
    user_session: UserSession | None = None,
    sign_in: SignIn | None = None,
    end_others: bool = False,
) -> NotMe:
    """The person says a session or sign-in was not theirs: end it (and others if asked).

    The browser in use is never signed out here: the person needs it to change
    their password next.
    """
    ended = 0
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
            end_session(user_session=target)
            ended += 1
        if end_others:
            ended += end_other_sessions(user=user, keep_session_key=current_session_key)
    return NotMe(sessions_ended=ended)
