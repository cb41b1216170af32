"""§5 Retention: the periodic job enforces every declared rule and logs counts, never people."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from accounts.models import User
from jobletters import outbox
from jobletters.models import OutboxEntry
from privacy.models import Tombstone
from privacy.registry.declarations import Erasure, declarations
from privacy.tasks import apply_retention
from privacy.tasks import run_retention as retention_task

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_s5_every_retention_rule_reads_as_words_and_periods_are_enforced():
    for declaration in declarations():
        words = declaration.retention.words()
        assert words and words[0].isupper(), declaration.label
        if declaration.erasure is Erasure.RETAIN:
            assert declaration.retention.enforceable, declaration.label


def test_s5_unconfirmed_accounts_are_erased_after_a_week(settings, seeker):
    stale = UserFactory(email="never@example.com", verified=False)
    fresh = UserFactory(email="new@example.com", verified=False)
    User.objects.filter(pk=stale.pk).update(date_joined=timezone.now() - timedelta(days=8))
    User.objects.filter(pk=seeker.pk).update(date_joined=timezone.now() - timedelta(days=80))

    counts = apply_retention()

    assert counts["Your account"] == 1
    assert not User.objects.filter(pk=stale.pk).exists()
    assert not EmailAddress.objects.filter(email="never@example.com").exists()
    assert User.objects.filter(pk__in=[fresh.pk, seeker.pk]).count() == 2
    assert Tombstone.objects.count() == 1  # a backup restore forgets them too
    outbox.run_due()
    assert not mail.outbox  # no goodbye to an address never confirmed


def test_s5_ended_sign_in_sessions_leave_no_ip_or_browser_behind(seeker):
    live = SessionStore()
    live.create()
    ended = SessionStore()
    ended.create()
    for key in (live.session_key, ended.session_key):
        UserSession.objects.create(user=seeker, session_key=key, ip="198.51.100.1", user_agent="X")
    Session.objects.filter(session_key=ended.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    UserSession.objects.create(user=seeker, session_key="gone", ip="198.51.100.2", user_agent="Y")

    counts = apply_retention()

    assert counts["Session cookies"] == 1
    assert counts["Sign-in sessions"] == 2
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_s5_finished_outbox_work_goes_after_thirty_days(seeker):
    old = timezone.now() - timedelta(days=31)
    OutboxEntry.objects.create(kind="x", person=seeker, state="done", created_at=old)
    OutboxEntry.objects.create(kind="x", person=seeker, state="failed", created_at=old)
    waiting = OutboxEntry.objects.create(kind="x", person=seeker, state="pending", created_at=old)
    recent = OutboxEntry.objects.create(kind="x", person=seeker, state="done")

    apply_retention()

    assert set(OutboxEntry.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}


def test_s5_the_job_logs_counts_never_people(seeker, caplog):
    UserFactory(email="someone.private@example.com", name="Private Person", verified=False)
    User.objects.filter(email="someone.private@example.com").update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    with caplog.at_level(logging.INFO):
        retention_task.delay()
    text = caplog.text
    assert "retention: accounts.User removed=1" in text
    assert "someone.private" not in text and "Private Person" not in text
