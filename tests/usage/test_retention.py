"""§2.7 and §5: IP addresses shortened after 30 days, sign-ins deleted after 90 (the
retention job, from the registry's declared rules)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from privacy.registry.declarations import declaration_for
from privacy.registry.minimise import truncate_ip
from privacy.registry.retention import Reduce
from privacy.tasks import apply_retention
from usage.models import SignIn, SignUpSource

pytestmark = pytest.mark.django_db


def _sign_in(person, *, days_ago: float, ip: str) -> SignIn:
    return SignIn.objects.create(
        person=person,
        ip=ip,
        user_agent="Firefox/125.0",
        signed_in_at=timezone.now() - timedelta(days=days_ago),
    )


def test_ip_addresses_are_truncated_after_30_days_and_rows_deleted_after_90(seeker):
    fresh = _sign_in(seeker, days_ago=29, ip="203.0.113.77")
    month = _sign_in(seeker, days_ago=31, ip="203.0.113.77")
    six = _sign_in(seeker, days_ago=45, ip="2001:db8:1234:5678:9abc::1")
    old = _sign_in(seeker, days_ago=89, ip="198.51.100.23")
    gone = _sign_in(seeker, days_ago=91, ip="198.51.100.24")

    counts = apply_retention()

    assert counts["Sign-ins to your account"] == 1
    assert counts["Sign-ins to your account (reduced)"] == 3
    assert not SignIn.objects.filter(pk=gone.pk).exists()
    values = dict(SignIn.objects.values_list("pk", "ip"))
    assert values[fresh.pk] == "203.0.113.77"
    assert values[month.pk] == "203.0.113.0"
    assert values[six.pk] == "2001:db8:1234::"
    assert values[old.pk] == "198.51.100.0"
    assert set(SignIn.objects.filter(ip_truncated=True).values_list("pk", flat=True)) == {
        month.pk,
        six.pk,
        old.pk,
    }


def test_the_job_runs_again_without_changing_anything(seeker):
    _sign_in(seeker, days_ago=40, ip="203.0.113.77")
    apply_retention()
    again = apply_retention()
    assert again["Sign-ins to your account (reduced)"] == 0
    assert SignIn.objects.get().ip == "203.0.113.0"


def test_the_referrer_host_goes_after_90_days(seeker, other_seeker):
    SignUpSource.objects.create(
        person=seeker, referrer_host="old.example", created_at=timezone.now() - timedelta(days=91)
    )
    SignUpSource.objects.create(person=other_seeker, referrer_host="new.example")
    apply_retention()
    assert list(SignUpSource.objects.values_list("referrer_host", flat=True)) == ["new.example"]


def test_the_rules_read_as_words_in_the_inventory(client):
    words = declaration_for(SignIn).retention.words()
    assert "Deleted 90 days after the sign-in." in words
    assert "shortened to its network" in words and "after 30 days" in words
    page = client.get("/privacy/data/").content.decode()
    assert "Sign-ins to your account" in page and "shortened to its network" in page


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("203.0.113.0", "203.0.113.0"),
        ("2001:db8:1234:5678:9abc:def0:1234:5678", "2001:db8:1234::"),
        ("::ffff:198.51.100.9", "198.51.100.0"),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
def test_truncating_an_address_keeps_only_its_network(address, network):
    assert truncate_ip(address) == network
    if network:
        assert truncate_ip(network) == network  # twice changes nothing


def test_a_reduce_rule_works_for_any_model_in_batches(seeker):
    """The engine's rule is general: fields rewritten, a mark set, rows done skipped."""
    for n in range(7):
        _sign_in(seeker, days_ago=40 + n, ip=f"203.0.113.{n + 1}")
    rule = Reduce(
        days=30,
        after="signed_in_at",
        fields=("ip", "user_agent"),
        to=lambda value: truncate_ip(value) or "",  # the browser is emptied
        pending=Q(ip_truncated=False),
        mark={"ip_truncated": True},
        words="",
    )
    assert rule.apply(SignIn, timezone.now(), batch=3) == 7
    assert set(SignIn.objects.values_list("ip", "user_agent")) == {("203.0.113.0", "")}
    assert rule.apply(SignIn, timezone.now(), batch=3) == 0
