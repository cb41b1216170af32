"""Staff manage the vocabulary in the admin: searchable lists, inline titles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taxonomy.models import Occupation, OccupationTitle, Place

pytestmark = pytest.mark.usefixtures("taxonomy")


@pytest.fixture
def admin_client(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    return client


def test_occupations_are_searchable_by_alternative_title(admin_client):
    response = admin_client.get(reverse("admin:taxonomy_occupation_changelist"), {"q": "solicitor"})
    assert response.status_code == 200
    assert "Lawyers" in response.content.decode()
    assert "1 result" in response.content.decode()


def test_places_are_searchable_by_name_prefix_ignoring_accents(admin_client):
    url = reverse("admin:taxonomy_place_changelist")
    response = admin_client.get(url, {"q": "zurich"})
    assert response.status_code == 200
    assert "Zürich" in response.content.decode()
    assert admin_client.get(url, {"q": "2643743"}).status_code == 200
    assert admin_client.get(url, {"kind__exact": "remote"}).status_code == 200


def test_change_page_shows_the_inline_titles(admin_client):
    lawyers = Occupation.objects.get(code="2611")
    response = admin_client.get(reverse("admin:taxonomy_occupation_change", args=[lawyers.pk]))
    assert response.status_code == 200
    assert "barrister" in response.content.decode()


def _inline_post(occupation, rows):
    data = {
        "code": occupation.code,
        "title": occupation.title,
        "description": occupation.description,
        "alternative_titles-TOTAL_FORMS": str(len(rows)),
        "alternative_titles-INITIAL_FORMS": "0",
        "alternative_titles-MIN_NUM_FORMS": "0",
        "alternative_titles-MAX_NUM_FORMS": "1000",
    }
    for i, (title, locale) in enumerate(rows):
        data[f"alternative_titles-{i}-title"] = title
        data[f"alternative_titles-{i}-locale"] = locale
        data[f"alternative_titles-{i}-occupation"] = str(occupation.pk) if occupation.pk else ""
    return data


def test_adding_an_occupation_with_titles_normalises_them(admin_client):
    response = admin_client.post(
        reverse("admin:taxonomy_occupation_add"),
        _inline_post(Occupation(code="X100", title="Zébra Trainers"), [("Zébra whisperer", "")]),
    )
    assert response.status_code == 302, response.content
    zebra = Occupation.objects.get(code="X100")
    assert zebra.normalised == "zebra trainers"
    assert OccupationTitle.objects.get(occupation=zebra).normalised == "zebra whisperer"


def test_duplicate_titles_are_refused_with_a_message_not_a_500(admin_client):
    response = admin_client.post(
        reverse("admin:taxonomy_occupation_add"),
        _inline_post(
            Occupation(code="X101", title="Yak herders"),
            [("Yak herder", ""), ("YAK-HERDER", "en-GB"), ("Yak herders", "")],
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "already listed" in body
    assert "own title" in body
    assert not Occupation.objects.filter(code="X101").exists()


def test_seekers_cannot_use_the_taxonomy_admin(seeker_client):
    response = seeker_client.get(reverse("admin:taxonomy_place_changelist"))
    assert response.status_code == 302
    assert Place.objects.exists()
