"""§9 Modifications: versions of the privacy policy and the terms of service, published
with a changelog and a diff; a version that reduces people's rights is emailed to every
active person at least 30 days ahead and acknowledged by each of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobletters import outbox
from jobletters.lib import mailing
from jobletters.lib.emails import EMAIL_KIND
from jobletters.models import OutboxEntry
from privacy.documents import versions
from privacy.models import ChangeNotice, Consent, PolicyVersion
from privacy.rights.deletion import request_deletion

from ..factories import UserFactory
from .builders import TERMS_V2, draft_version, published_version

pytestmark = pytest.mark.django_db

ADMIN = "/admin/privacy/policyversion/"


def _notice_emails() -> list:
    return [m for m in mail.outbox if "changes on" in m.subject]


# --- The terms exist, versioned like the policy -------------------------------------------


def test_s9_the_terms_the_policy_refers_to_exist_as_version_1(client):
    terms = PolicyVersion.objects.current("terms")
    assert terms.version == 1 and terms.published_at is not None
    assert terms.text.startswith("Thanks for using Job Letters.")
    # The capitalised terms the policy uses are defined there.
    for defined in ("1.1. Services.", "1.2. Account.", "1.3. User Content.", "1.5. End Users."):
        assert defined in terms.text
    assert "at least 30 days before it takes effect" in " ".join(terms.text.split())

    page = client.get("/terms/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Terms of service" in content and "Version 1, in force since" in content
    assert "10.2. Changes That Reduce Your Rights" in content
    assert 'id="s10-2"' in content


def test_s9_the_terms_are_linked_from_the_footer_and_the_sign_up_page(client):
    assert b'href="/terms/">Terms of service</a>' in client.get("/privacy/").content
    signup = client.get("/accounts/signup/").content.decode()
    assert 'href="/terms/">Terms of service</a>' in signup
    assert 'href="/privacy/">Privacy policy</a>' in signup


def test_s9_the_privacy_policy_stays_the_current_policy():
    assert PolicyVersion.objects.current().document == "privacy"
    assert str(PolicyVersion.objects.current()) == "Privacy policy v1"


# --- Writing and publishing -----------------------------------------------------------------


def test_s9_a_version_needs_a_changelog_and_a_date_not_in_the_past(admin_client):
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "document": "terms",
            "text": TERMS_V2,
            "changelog": "  ",
            "effective_at_0": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%d"),
            "effective_at_1": "12:00:00",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "people read this first" in str(errors["changelog"])
    assert "cannot take effect in the past" in str(errors["effective_at"])
    assert not PolicyVersion.objects.filter(document="terms", version=2).exists()


def test_s9_staff_write_a_draft_then_publish_it(admin_client, seeker, client):
    later = timezone.now() + timedelta(days=3)
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "document": "terms",
            "text": TERMS_V2,
            "changelog": "Shorter terms.",
            "effective_at_0": later.strftime("%Y-%m-%d"),
            "effective_at_1": later.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = PolicyVersion.objects.get(document="terms", version=2)
    assert draft.published_at is None
    # A draft is nobody's business yet.
    assert client.get("/privacy/versions/terms/2/").status_code == 404
    assert b"Shorter terms." not in client.get("/privacy/versions/").content

    page = admin_client.get(f"{ADMIN}{draft.pk}/publish/")
    assert b"can never change" in page.content
    admin_client.post(f"{ADMIN}{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.published_at is not None
    # Published: read-only, and not deletable.
    change = admin_client.get(f"{ADMIN}{draft.pk}/change/").content.decode()
    assert 'name="text"' not in change
    assert admin_client.post(f"{ADMIN}{draft.pk}/delete/").status_code == 403
    # Not reducing rights: nobody is emailed, no notice.
    assert not ChangeNotice.objects.exists()
    outbox.run_due()
    assert _notice_emails() == []
    # The terms page says a new version is coming.
    assert b"Version 2 takes effect on" in client.get("/terms/").content


def test_s9_publishing_a_rights_reducing_version_is_refused_inside_30_days(admin_client, seeker):
    version = draft_version(days=29)
    with pytest.raises(versions.VersionError, match="at least 30 days before it takes effect"):
        versions.publish_version(version=version)

    response = admin_client.post(f"{ADMIN}{version.pk}/publish/", follow=True)
    assert "at least 30 days before it takes effect" in response.content.decode()
    version.refresh_from_db()
    assert version.published_at is None
    assert not OutboxEntry.objects.filter(kind=EMAIL_KIND).exists()

    # Thirty days and a minute: published.
    PolicyVersion.objects.filter(pk=version.pk).update(
        effective_at=timezone.now() + timedelta(days=30, minutes=1)
    )
    version.refresh_from_db()
    assert versions.publish_version(version=version).published_at is not None


def test_s9_the_admin_form_says_when_a_rights_reducing_version_may_take_effect(admin_client):
    soon = timezone.now() + timedelta(days=10)
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "document": "privacy",
            "text": "1. New\nWords.",
            "changelog": "We keep your CV longer.",
            "reduces_rights": "on",
            "effective_at_0": soon.strftime("%Y-%m-%d"),
            "effective_at_1": soon.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "at least 30 days" in str(response.context["adminform"].form.errors["effective_at"])


def test_s9_a_published_version_never_changes():
    version = published_version(reduces_rights=False, days=1)
    version.text = "Something else"
    with pytest.raises(versions.VersionError):
        versions.save_draft(version=version)
    with pytest.raises(versions.VersionError, match="already published"):
        versions.publish_version(version=version)


# --- Emails to every active person, in batches, once each ---------------------------------------


def test_s9_every_active_person_is_emailed_once_frozen_accounts_included(settings, staff):
    settings.MAILING_BATCH_SIZE = 2
    people = [UserFactory(email=f"reader{i}@example.com") for i in range(4)]
    frozen = people[0]
    request_deletion(user=frozen)
    UserFactory(email="gone@example.com", is_active=False)
    UserFactory(email="unconfirmed@example.com", verified=False)
    mail.outbox.clear()

    version = published_version()
    notice = ChangeNotice.objects.get(version=version)
    assert notice.kind == "version" and notice.state == "sending"
    outbox.run_due()
    outbox.run_due()  # batches and emails that were deferred by the first run

    received = sorted(address for m in _notice_emails() for address in m.to)
    expected = sorted([p.email for p in people] + [staff.email])
    assert received == expected  # frozen included; inactive and unconfirmed not
    message = _notice_emails()[0]
    assert "Refunds within 7 days, not 14." in message.body
    assert "/privacy/versions/#terms-v2" in message.body
    assert not any(h.lower().startswith("list-") for h in message.extra_headers)

    # Every batch run again (a redelivered task) queues nothing new.
    mailing.queue_batch(name="privacy-notice", mailing_id=notice.pk, after=0)
    mailing.queue_batch(name="privacy-notice", mailing_id=notice.pk, after=people[1].pk)
    outbox.run_due()
    assert sorted(address for m in _notice_emails() for address in m.to) == expected

    notice.refresh_from_db()
    assert notice.state == "sent"
    assert (notice.queued_count, notice.sent_count, notice.failed_count) == (5, 5, 0)
    assert notice.batches == 4  # 2 + 2 + 1, then the empty one that ends it


def test_s9_staff_see_the_progress_in_the_admin(admin_client, seeker):
    version = published_version()
    page = admin_client.get(f"{ADMIN}{version.pk}/change/").content.decode()
    assert "queued" in page  # the first batch has not run: still queuing
    outbox.run_due()
    outbox.run_due()
    listing = admin_client.get(ADMIN).content.decode()
    assert "2 queued: 2 sent, 0 failed" in listing  # the seeker and the member of staff


# --- The banner, until acknowledged ------------------------------------------------------------


def test_s9_a_banner_shows_until_the_person_acknowledges(seeker, seeker_client):
    assert b"version-notice" not in seeker_client.get("/dashboard/").content
    version = published_version()

    page = seeker_client.get("/dashboard/").content.decode()
    assert 'class="version-notice"' in page
    assert "Our Terms of service changes on" in page and "reduces your rights" in page
    assert 'href="/privacy/versions/#terms-v2"' in page
    assert "<script>" not in page.split('class="version-notice"')[1].split("</article>")[0]

    response = seeker_client.post(
        "/privacy/versions/terms/2/acknowledge/", {"next": "/profile/"}, follow=False
    )
    assert response.status_code == 302 and response["Location"] == "/profile/"
    [row] = Consent.objects.filter(person=seeker, purpose="policy_acknowledged")
    assert row.granted and row.reference == "terms:v2"
    assert "Terms of service, version 2" in row.text and "Refunds within 7 days" in row.text
    assert row.policy_version == PolicyVersion.objects.current()
    assert b"version-notice" not in seeker_client.get("/dashboard/").content

    # Acknowledging again adds nothing; another browser sees no banner either.
    seeker_client.post("/privacy/versions/terms/2/acknowledge/")
    assert Consent.objects.filter(person=seeker, purpose="policy_acknowledged").count() == 1
    from django.test import Client

    other_browser = Client()
    other_browser.force_login(seeker)
    assert b"version-notice" not in other_browser.get("/dashboard/").content
    assert version.reference == "terms:v2"


def test_s9_people_who_joined_once_it_was_in_force_see_no_banner(seeker_client, seeker):
    version = published_version()
    seeker.date_joined = version.effective_at + timedelta(seconds=1)
    seeker.save(update_fields=["date_joined"])
    assert b"version-notice" not in seeker_client.get("/dashboard/").content


def test_s9_only_published_rights_reducing_versions_are_acknowledged(seeker_client, client):
    plain = published_version(reduces_rights=False, days=1)
    url = f"/privacy/versions/terms/{plain.version}/acknowledge/"
    assert seeker_client.post(url).status_code == 404
    assert seeker_client.get("/privacy/versions/terms/1/acknowledge/").status_code == 405
    assert client.post(url).status_code == 302  # signed out: to the login page
    assert not Consent.objects.filter(purpose="policy_acknowledged").exists()


def test_s9_the_banner_costs_no_query_once_acknowledged(seeker, seeker_client, settings):
    seeker_client.get("/dashboard/")  # the first visit records the session, warms caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert seeker_client.get("/privacy/").status_code == 200
        return len(queries)

    without = count()
    published_version()
    count()  # the list of such versions is read again once, then kept on the cache
    assert count() == without + 1  # while it waits for the person's acknowledgement
    seeker_client.post("/privacy/versions/terms/2/acknowledge/")
    assert count() == without


def test_s9_signing_in_remembers_what_the_person_acknowledged(seeker, client, password):
    version = published_version()
    versions.acknowledge_version(person=seeker, version=version)
    client.post("/accounts/login/", {"login": seeker.email, "password": password})
    assert versions.SESSION_ACKNOWLEDGED in client.session
    assert client.session[versions.SESSION_ACKNOWLEDGED] == ["terms:v2"]


# --- /privacy/versions/ ------------------------------------------------------------------------


def test_s9_every_version_is_listed_with_its_changelog_and_a_diff(client):
    published_version(days=31)
    page = client.get("/privacy/versions/")
    assert page.status_code == 200
    content = page.content.decode()
    for anchor in ("privacy-v1", "terms-v1", "terms-v2"):
        assert f'id="{anchor}"' in content
    assert "Upcoming" in content and "This version reduces your rights." in content
    assert "Refunds within 7 days, not 14." in content
    diff = content.split('id="terms-v2"')[1].split('id="terms-v1"')[0]
    assert "within <del>14 </del><ins>7 </ins>days of buying it" in diff
    assert "unchanged paragraph" in diff
    assert '<p class="diff-context">4.2. Refunds</p>' in diff  # the section it is in
    assert "Thanks for using Job Letters" not in diff  # unchanged text is only counted
    assert "<table" not in diff  # inline: readable on a phone
    assert 'href="/privacy/versions/terms/2/"' in content
    assert client.get("/privacy/versions/terms/2/").status_code == 200
    assert client.get("/privacy/versions/nope/2/").status_code == 404


def test_s9_the_diff_is_escaped():
    old = "1. Intro\nWe keep <b>little</b>."
    new = "1. Intro\nWe keep <script>alert(1)</script> & more."
    html = versions.diff_html(old, new)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&amp;" in html and "<b>" not in html
    assert "<del>" in html and "<ins>" in html
    assert str(versions.diff_html(old, old)).count("No change") == 1


def test_s9_the_versions_page_is_cacheable_for_visitors_and_costs_fixed_queries(
    client, django_assert_max_num_queries
):
    for n in range(3):
        PolicyVersion.objects.create(
            document="privacy", version=n + 2, text=f"1. Part\nVersion {n + 2}.",
            changelog=f"Change {n}", effective_at=timezone.now() - timedelta(days=3 - n),
        )  # fmt: skip
    with django_assert_max_num_queries(1):
        first = client.get("/privacy/versions/")
    assert "public" in first["Cache-Control"] and "Cookie" in first["Vary"]
    assert not first.cookies
    repeat = client.get("/privacy/versions/", headers={"if-none-match": first["ETag"]})
    assert repeat.status_code == 304


def test_s9_a_visitor_sees_a_new_version_at_once(client):
    assert b"terms-v2" not in client.get("/privacy/versions/").content
    published_version(reduces_rights=False, days=1)
    assert b"terms-v2" in client.get("/privacy/versions/").content
