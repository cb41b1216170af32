"""The staff person page: everything that concerns one person, each row linked to its admin.

Built on the privacy tests' person with every kind of data (tests/privacy/builders.py).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry, Purchase
from jobletters.admin_site import PERSON_PAGE
from privacy.consent import record_consent, record_disclosure
from privacy.models import DeletionRequest, LegalHold
from tests.community.builders import comment_by, thread_by
from tests.factories import UserFactory
from tests.privacy.builders import person_with_everything
from tests.support.builders import inquiry_for
from usage.models import SignIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


@pytest.fixture
def lena(staff):
    person = UserFactory(email="lena.lindqvist@example.org", name="Lena Lindqvist")
    person_with_everything(person, staff=staff)
    return person


def _page(client, person, **params):
    return client.get(reverse("admin:accounts_user_person", args=[person.pk]), params)


def _more_of_everything(person, staff) -> None:
    """Two more rows of most kinds: the page must not need more queries for them."""
    account = Purchase.objects.filter(account__user=person).first().account
    for n in range(2):
        purchase = Purchase.objects.create(
            account=account, plan_name="More", sends=5, amount=500, currency="gbp", status="paid",
            paid_at=timezone.now(), stripe_payment_intent_id=f"pi_more_{person.pk}_{n}",
        )  # fmt: skip
        LedgerEntry.objects.create(account=account, kind="purchase", sends=5, purchase=purchase)
        consent = record_consent(
            person=person, purpose="share_with_recruiters", granted=True, text="Share.",
            recipients=[], reference=f"send:more-{n}",
        )  # fmt: skip
        record_disclosure(
            person=person, recipient_kind="recruiter", recipient_name=f"Recruiter {n}",
            data_categories=["CV"], basis="consent", consent=consent,
            reference=f"delivery:more-{person.pk}-{n}",
        )  # fmt: skip
        inquiry_for(person, subject=f"Question {n}")
        thread = thread_by(person, title=f"Thread number {n}")
        comment_by(person, thread, body=f"Comment number {n}")
        SignIn.objects.create(person=person, ip="203.0.113.9", user_agent="Safari")
        LegalHold.objects.create(person=person, reason=f"Matter {n}", placed_by=staff)


def test_the_person_page_lists_and_links_everything_that_concerns_them(staff_admin, lena):
    DeletionRequest.objects.create(
        person=lena, grace_ends_at=timezone.now(), due_at=timezone.now(), state="pending"
    )
    page = _page(staff_admin, lena)
    assert page.status_code == 200
    html = page.content.decode()
    assert "lena.lindqvist@example.org" in html
    for section in PERSON_PAGE:
        app_label, model_name = section.model.split(".")
        assert f'id="{section.model}"' in html, section.model
        links = re.findall(rf'href="/admin/{app_label}/{model_name}/(\d+)/change/"', html)
        assert links, f"no row of {section.model} is linked"
    # The actions staff take from the lists are offered here too.
    assert 'value="refund_on_stripe"' in html
    assert 'value="release_selected"' in html
    assert 'value="close"' in html
    assert "delete_selected" not in html
    assert f"/admin/privacy/legalhold/add/?person={lena.pk}" in html
    # Reached from the user's list and from their account page.
    person_url = reverse("admin:accounts_user_person", args=[lena.pk])
    assert person_url in staff_admin.get("/admin/accounts/user/").content.decode()
    change = staff_admin.get(reverse("admin:accounts_user_change", args=[lena.pk]))
    assert person_url in change.content.decode()


def test_each_view_of_the_person_page_is_in_the_admin_log(staff_admin, lena, staff_with_mfa):
    _page(staff_admin, lena)
    _page(staff_admin, lena, all="billing.purchase")
    entries = LogEntry.objects.filter(object_id=str(lena.pk), user=staff_with_mfa).order_by("pk")
    messages = [entry.get_change_message() for entry in entries]
    assert messages[-2:] == [
        "Viewed their person page.",
        "Viewed their person page (every row of billing.purchase).",
    ]
    history = staff_admin.get(reverse("admin:accounts_user_history", args=[lena.pk]))
    assert "Viewed their person page." in history.content.decode()


def test_the_query_count_does_not_grow_with_the_person_s_data(staff_admin, lena, staff):
    _page(staff_admin, lena)  # caches warmed (content types, permissions)
    with CaptureQueriesContext(connection) as some:
        assert _page(staff_admin, lena).status_code == 200
    _more_of_everything(lena, staff)
    with CaptureQueriesContext(connection) as more:
        assert _page(staff_admin, lena).status_code == 200
    assert len(more) == len(some), [q["sql"][:120] for q in more]


def test_staff_without_view_permission_on_users_are_refused(client, lena):
    clerk = UserFactory(email="clerk@example.com", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_purchase"))
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(clerk, generate_totp_secret())
    client.force_login(clerk)
    assert _page(client, lena).status_code == 403
    missing = client.get(reverse("admin:accounts_user_person", args=[10**6]))
    assert missing.status_code == 403  # the same answer: which ids exist stays unsaid


def test_sections_show_only_what_the_staff_member_may_see(client, lena):
    clerk = UserFactory(email="clerk@example.com", is_staff=True)
    for codename in ("view_user", "view_purchase"):
        clerk.user_permissions.add(Permission.objects.get(codename=codename))
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(clerk, generate_totp_secret())
    client.force_login(clerk)
    html = _page(client, lena).content.decode()
    assert 'id="billing.purchase"' in html
    assert 'id="privacy.legalrequest"' not in html
    assert "refund_on_stripe" not in html  # refunding needs its own permission


def test_a_list_action_runs_on_the_person_s_rows_only(staff_admin, lena, staff):
    mine = LegalHold.objects.create(person=lena, reason="Tax inquiry", placed_by=staff)
    other = UserFactory()
    theirs = LegalHold.objects.create(person=other, reason="Another matter", placed_by=staff)
    response = staff_admin.post(
        reverse("admin:accounts_user_person", args=[lena.pk]),
        {
            "section": "privacy.legalhold",
            "action": "release_selected",
            "index": "0",
            "_selected_action": [mine.pk, theirs.pk],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_person", args=[lena.pk])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.released_at is not None
    assert theirs.released_at is None


def test_deleting_is_not_offered_from_the_person_page(staff_admin, lena):
    response = staff_admin.post(
        reverse("admin:accounts_user_person", args=[lena.pk]),
        {"section": "profiles.cv", "action": "delete_selected", "index": "0",
         "_selected_action": ["1"]},
    )  # fmt: skip
    assert response.status_code == 400


def test_a_long_history_shows_the_latest_rows_and_offers_the_rest(staff_admin, lena):
    SignIn.objects.bulk_create(
        SignIn(person=lena, ip="198.51.100.1", user_agent="Edge") for _ in range(25)
    )
    html = _page(staff_admin, lena).content.decode()
    assert "?all=usage.signin" in html
    everything = _page(staff_admin, lena, all="usage.signin").content.decode()
    assert everything.count("/admin/usage/signin/") > 25
