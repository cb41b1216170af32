"""§1 and §3: a person sees what we hold about them, why, for how long, and who received it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacy.consent import record_consent
from privacy.registry.declarations import declarations
from privacy.rights.export import request_export

from .builders import person_with_everything

pytestmark = pytest.mark.django_db


def test_s1_my_data_shows_categories_reasons_consents_disclosures_and_requests(
    seeker, seeker_client, staff
):
    person_with_everything(seeker, staff=staff)
    request_export(user=seeker)

    page = seeker_client.get("/privacy/my-data/")

    assert page.status_code == 200
    content = page.content.decode()
    assert "CVs</a>" in content and 'href="/privacy/my-data/2-6-cvs/"' in content
    assert "§2.6" in content and 'href="/privacy/#s2-6"' in content
    assert "To provide the service you signed up for" in content  # the legal basis
    assert "Kept for 7 years" in content  # billing's legal period, in words
    assert "Share my details with chosen recruiters" in content and "given" in content
    assert "Rita Recruiter (Acme Agency)" in content
    assert "Copy of your data asked for" in content and "Waiting to start" in content
    assert "Account deletion asked for" in content and "Cancelled by the person" in content


def test_s1_the_data_is_a_click_away(seeker, seeker_client, other_seeker, staff):
    person_with_everything(seeker, staff=staff)
    page = seeker_client.get("/privacy/my-data/2-1-postal-address-and-phone/")
    assert page.status_code == 200
    assert f"{seeker.pk} Privacy Lane".encode() in page.content
    held = seeker_client.get("/privacy/my-data/2-1-your-account/")
    assert b"Held but not shown" in held.content and b"one-way hash" in held.content
    assert seeker_client.get("/privacy/my-data/no-such-thing/").status_code == 404


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/privacy/my-data/").status_code == 200
    return len(context.captured_queries)


def test_s1_my_data_costs_a_fixed_number_of_queries(seeker, seeker_client, staff):
    person_with_everything(seeker, staff=staff)
    _queries(seeker_client)  # the first visit warms caches (content types, session activity)
    few = _queries(seeker_client)
    for n in range(5):
        record_consent(
            person=seeker, purpose="email_marketing", granted=bool(n % 2), text="Marketing?"
        )
    from profiles.models import CV

    cv = CV.objects.get(owner=seeker)
    for _ in range(5):
        cv.pk = None
        cv.is_current = False
        cv.save()
    assert _queries(seeker_client) == few
    # Bounded by the registry, not by the person's data.
    assert few <= len(declarations()) + 15


def test_s1_my_data_needs_a_sign_in(client):
    assert client.get("/privacy/my-data/").status_code == 302


def test_s3_the_inventory_says_basis_recipients_and_retention_in_words(client):
    content = client.get("/privacy/data/").content.decode()
    assert "Legal basis" in content and "Who receives it" in content
    assert "Stripe, our payment processor" in content
    assert "Deleted 30 days after the work was recorded, once it is finished." in content
    assert "Held but not included in your copy" in content
