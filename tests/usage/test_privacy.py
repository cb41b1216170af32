"""§2.7 in the registry: sign-ins and the sign-up referrer are exported and erased."""

from __future__ import annotations

import pytest

from jobletters import outbox
from privacy.registry.declarations import declaration_for
from privacy.rights.erasure import erase_person
from tests.utils import remains_of
from usage.models import SignIn, SignUpSource

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_persons_sign_ins_and_referrer_only(seeker, other_seeker):
    SignIn.objects.create(person=seeker, ip="203.0.113.7", user_agent="Firefox/125.0",
                          session_hash="a" * 64)  # fmt: skip
    SignIn.objects.create(person=other_seeker, ip="198.51.100.1", user_agent="Safari")
    SignUpSource.objects.create(person=seeker, referrer_host="news.example.org")

    [sign_in] = declaration_for(SignIn).export(seeker)
    assert sign_in["ip"] == "203.0.113.7" and sign_in["user_agent"] == "Firefox/125.0"
    assert "session_hash" not in sign_in  # held, with the reason in the export's README
    [source] = declaration_for(SignUpSource).export(seeker)
    assert source["referrer_host"] == "news.example.org"


def test_erasure_deletes_them(seeker, other_seeker):
    SignIn.objects.create(person=seeker, ip="203.0.113.7", user_agent="Firefox/125.0")
    SignIn.objects.create(person=other_seeker, ip="198.51.100.1", user_agent="Safari")
    SignUpSource.objects.create(person=seeker, referrer_host="news.example.org")

    erase_person(seeker.pk)
    outbox.run_due()

    assert remains_of(seeker.pk) == []
    assert not SignIn.objects.filter(ip="203.0.113.7").exists()
    assert not SignUpSource.objects.exists()
    assert SignIn.objects.filter(person=other_seeker).count() == 1
