"""The profile form, as a seeker fills it in (§2.1 account information, §2.2 professional)."""

from __future__ import annotations

import pytest

from profiles.models import ContactDetails, Profile
from taxonomy.models import Occupation, Place

URL = "/profile/"


def suggestion(client, kind: str, q: str) -> dict:
    """What the combobox would offer first for the typed text."""
    response = client.get(f"/taxonomy/{kind}/", {"q": q})
    assert response.status_code == 200
    return response.json()["results"][0]


def form_data(**overrides) -> dict:
    data = {
        "name": "Sam Seeker",
        "address_line1": "1 High Street",
        "address_line2": "",
        "city": "London",
        "postal_code": "EC1A 1AA",
        "country": "GB",
        "phone": "",
        "headline": "",
        "summary": "",
        "years_of_experience": "",
        "seniority": "",
        "skills": "",
        "languages": "",
        "linkedin_url": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_seeker_fills_in_the_whole_profile_with_targets(seeker, seeker_client):
    assert seeker_client.get(URL).status_code == 200
    lawyer = suggestion(seeker_client, "occupations", "attorney")
    london = suggestion(seeker_client, "places", "Lond")
    remote = suggestion(seeker_client, "places", "Remote")
    assert "Lawyer" in lawyer["label"]
    assert london["label"].startswith("London, United Kingdom")
    assert remote["label"] == "Remote"

    response = seeker_client.post(
        URL,
        form_data(
            name="  Samantha   Seeker ",
            phone="020 7946 0958",  # national: read with the country chosen (GB)
            headline="Commercial lawyer, 8 years",
            summary="M&A and technology deals.",
            years_of_experience="8",
            seniority="senior",
            skills="M&A, contract drafting, m&a, GDPR",
            languages="English; French",
            target_occupations=[lawyer["id"]],
            target_places=[london["id"], remote["id"]],
            linkedin_url="http://uk.linkedin.com/in/sam-seeker?trk=public_profile",
            open_to_recruiters="on",
        ),
    )
    assert response.status_code == 302, response.content.decode()

    seeker.refresh_from_db()
    assert seeker.name == "Samantha Seeker"  # the account's name, edited here, not copied
    contact = ContactDetails.objects.get(user=seeker)
    assert str(contact.phone) == "+442079460958"
    assert (contact.city, contact.postal_code, contact.country.code) == (
        "London",
        "EC1A 1AA",
        "GB",
    )
    profile = Profile.objects.get(user=seeker)
    assert profile.headline == "Commercial lawyer, 8 years"
    assert profile.years_of_experience == 8
    assert profile.seniority == "senior"
    assert profile.skills == ["M&A", "contract drafting", "GDPR"]
    assert profile.languages == ["English", "French"]
    assert profile.linkedin_url == "https://www.linkedin.com/in/sam-seeker/"
    assert profile.open_to_recruiters
    assert [o.pk for o in profile.target_occupations.all()] == [lawyer["id"]]
    assert {p.pk for p in profile.target_places.all()} == {london["id"], remote["id"]}

    page = seeker_client.get(URL).content.decode()
    assert "Your profile was saved." in page
    assert 'value="Samantha Seeker"' in page
    assert "+44 20 7946 0958" in page
    assert f'value="{lawyer["id"]}" checked' in page
    assert "London, United Kingdom" in page
    assert "M&amp;A, contract drafting, GDPR" in page
    assert 'data-autocomplete-url="/taxonomy/occupations/"' in page
    assert "js/taxonomy-autocomplete.js" in page


def test_without_javascript_typed_words_add_their_best_match(seeker, seeker_client):
    response = seeker_client.post(
        URL,
        form_data(target_occupations_search="solicitor", target_places_search="Lond"),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=seeker)
    assert "Lawyer" in profile.target_occupations.get().title
    assert profile.target_places.get().name == "London"


def test_unticking_a_target_removes_it(seeker, seeker_client):
    lawyer = suggestion(seeker_client, "occupations", "lawyer")
    seeker_client.post(URL, form_data(target_occupations=[lawyer["id"]]))
    assert Profile.objects.get(user=seeker).target_occupations.count() == 1
    seeker_client.post(URL, form_data())
    assert Profile.objects.get(user=seeker).target_occupations.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"phone": "12345"}, "phone", "does not look like a valid phone number"),
        ({"phone": "+44 20 7946", "country": ""}, "phone", "valid phone number"),
        (
            {"linkedin_url": "https://www.linkedin.com/company/acme/"},
            "linkedin_url",
            "Enter the address of your LinkedIn profile",
        ),
        (
            {"linkedin_url": "https://linkedin.com.evil.example/in/sam/"},
            "linkedin_url",
            "Enter the address of your LinkedIn profile",
        ),
        (
            {"linkedin_url": "javascript:alert(1)//linkedin.com/in/sam"},
            "linkedin_url",
            "Enter the address of your LinkedIn profile",
        ),
        (
            {"linkedin_url": "https://www.linkedin.com:8080/in/sam/"},
            "linkedin_url",
            "Enter the address of your LinkedIn profile",
        ),
        ({"years_of_experience": "200"}, "years_of_experience", "less than or equal to 70"),
        ({"seniority": "emperor"}, "seniority", "Select a valid choice"),
        ({"skills": ", ".join(f"skill {i}" for i in range(31))}, "skills", "at most 30"),
        ({"target_occupations": ["abc"]}, "target_occupations", "is not a valid value"),
        ({"target_occupations": ["99999999"]}, "target_occupations", "Select a valid choice"),
        (
            {"target_occupations_search": "zzzqqqxxx"},
            "target_occupations",
            "We found no occupation matching",
        ),
        (
            {"target_occupations_search": "law\x00yer"},
            "target_occupations",
            "Type letters, digits and punctuation only.",
        ),
        (
            {"open_to_recruiters": "on"},
            "target_occupations",
            "To be open to recruiters, choose at least one occupation.",
        ),
        (
            {"open_to_recruiters": "on"},
            "target_places",
            "To be open to recruiters, choose at least one place (or Remote).",
        ),
    ],
)
def test_bad_input_is_explained_next_to_the_field(seeker, seeker_client, overrides, field, message):
    response = seeker_client.post(URL, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert message.replace("“", "&ldquo;") in response.content.decode() or (
        message.split("“")[0] in response.content.decode()
    )
    assert not ContactDetails.objects.filter(user=seeker, city="London").exists()


def test_at_most_five_occupations_and_five_places(seeker, seeker_client):
    occupations = list(Occupation.objects.values_list("pk", flat=True)[:6])
    places = list(Place.objects.filter(kind="city").values_list("pk", flat=True)[:6])
    response = seeker_client.post(
        URL, form_data(target_occupations=occupations, target_places=places)
    )
    errors = response.context["form"].errors
    assert errors["target_occupations"] == ["Choose at most 5 occupations."]
    assert errors["target_places"] == ["Choose at most 5 places."]
    response = seeker_client.post(
        URL, form_data(target_occupations=occupations[:5], target_places=places[:5])
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=seeker)
    assert profile.target_occupations.count() == profile.target_places.count() == 5


def test_typed_target_cannot_make_a_sixth(seeker, seeker_client):
    occupations = list(
        Occupation.objects.exclude(title__icontains="lawyer").values_list("pk", flat=True)[:5]
    )
    response = seeker_client.post(
        URL, form_data(target_occupations=occupations, target_occupations_search="lawyer")
    )
    assert response.context["form"].errors["target_occupations"] == [
        "Choose at most 5 occupations."
    ]


def test_the_profile_page_needs_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _fill(user, n_targets: int) -> None:
    from profiles import services

    services.update_profile(
        user=user,
        name=user.name,
        contact={"city": "London", "country": "GB"},
        professional={"headline": "Lawyer", "skills": [f"s{i}" for i in range(n_targets * 5)]},
        target_occupations=Occupation.objects.all()[:n_targets],
        target_places=Place.objects.all()[:n_targets],
    )


def test_profile_page_uses_a_fixed_number_of_queries(
    seeker, seeker_client, django_assert_max_num_queries
):
    _fill(seeker, 1)
    with django_assert_max_num_queries(20) as small:
        seeker_client.get(URL)
    baseline = len(small)  # read now: every request resets the query log
    _fill(seeker, 5)
    with django_assert_max_num_queries(baseline):
        page = seeker_client.get(URL)
    assert page.content.decode().count('type="checkbox" name="target_places"') == 5
