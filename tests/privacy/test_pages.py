import pytest

from privacy.models import PolicyVersion

pytestmark = pytest.mark.django_db


def test_policy_v1_is_stored_as_data_from_the_seed_text():
    policy = PolicyVersion.objects.current()
    assert policy.version == 1
    assert policy.text.startswith("Thanks for visiting Job Letters.")
    assert "2.3.\nPayment Information." in policy.text


def test_privacy_page_shows_the_policy_with_numbered_sections(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Version 1" in content
    for heading in (
        "1. Core Principles",
        "2.1. Account Information",
        "2.3. Payment Information",
        "3.2. Following The Law",
        "9. Modifications",
    ):
        assert heading in content
    assert 'id="s2-6"' in content
    assert "other than your zip code and country" in content


def test_data_inventory_is_rendered_from_the_registry(client):
    response = client.get("/privacy/data/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "§2.1" in content and "Account information" in content
    assert "Email addresses" in content
    assert "Sign-in sessions" in content
    assert 'href="/privacy/#s2-7"' in content


def test_data_inventory_is_public_and_cheap(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get("/privacy/data/").status_code == 200


def test_policy_page_without_a_published_version_is_404(client):
    PolicyVersion.objects.all().delete()
    assert client.get("/privacy/").status_code == 404
