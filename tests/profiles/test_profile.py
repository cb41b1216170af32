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


def test_without_javascript_words_naming_one_target_are_added_and_said_back(seeker, seeker_client):
    response = seeker_client.post(
        URL,
        form_data(target_occupations_search="solicitor", target_places_search="Munchen"),
        follow=True,
    )
    assert response.redirect_chain
    profile = Profile.objects.get(user=seeker)
    target = profile.occupation_targets.get()
    assert (target.occupation.code, target.title.title) == ("2611", "solicitor")
    assert target.label == "Solicitor (Lawyers)"
    assert profile.target_places.get().label == "Munich, Germany"
    page = response.content.decode()
    # Never changed silently: what the words became is said.
    assert "Your profile was saved. “solicitor” was added as Solicitor (Lawyers). " in page
    assert "“Munchen” was added as Munich, Germany." in page
    assert 'value="Solicitor (Lawyers)"' not in page  # the search box is empty again
    assert f'value="{target.value}" checked> Solicitor (Lawyers)' in page


def test_words_that_could_mean_several_places_are_not_guessed_the_form_asks(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(target_places_search="Paris"))
    assert response.status_code == 200
    assert not Profile.objects.filter(user=seeker).exists()
    errors = response.context["form"].errors["target_places"]
    assert errors == [
        "We did not add “Paris”: more than one place could be meant. "
        "Tick the one you mean below, or type other words."
    ]
    page = response.content.decode()
    paris = Place.objects.get(kind="city", name="Paris", country="FR")
    texas = Place.objects.get(kind="city", name="Paris", admin1="Texas")
    assert "Did you mean one of these? Tick it to add it." in page
    assert f'name="target_places" value="{paris.pk}"> Paris, France' in page  # unticked
    assert f'value="{texas.pk}"> Paris, Texas, United States of America' in page
    assert "0 of 5 chosen" in page

    response = seeker_client.post(URL, form_data(target_places=[paris.pk]))
    assert response.status_code == 302
    assert Profile.objects.get(user=seeker).target_places.get() == paris


def test_words_that_could_mean_several_occupations_are_not_guessed(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(target_occupations_search="nurse"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "We did not add “nurse”" in page
    assert "Nurse (Nursing professionals)</label>" in page
    assert "Nurse (Nursing associate professionals)</label>" in page


def test_a_pair_typed_without_javascript(seeker, seeker_client):
    response = seeker_client.post(
        URL, form_data(target_occupations_search="attorney in Munich"), follow=True
    )
    assert "Your profile was saved." in response.content.decode()
    profile = Profile.objects.get(user=seeker)
    assert [t.label for t in profile.occupation_targets.all()] == ["Attorney (Lawyers)"]
    assert [p.label for p in profile.target_places.all()] == ["Munich, Germany"]


def test_a_pair_whose_place_is_ambiguous_keeps_the_role_and_asks_for_the_place(
    seeker, seeker_client
):
    response = seeker_client.post(URL, form_data(target_occupations_search="attorney in London"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "We did not add “London”" in form.errors["target_places"][0]
    page = response.content.decode()
    lawyers = Occupation.objects.get(code="2611")
    attorney = lawyers.alternative_titles.get(normalised="attorney")
    # The role was understood: it stays ticked while the place is asked for.
    assert f'value="{lawyers.pk}.{attorney.pk}" checked> Attorney (Lawyers)' in page
    assert "London, Ontario, Canada</label>" in page
    london = Place.objects.get(kind="city", name="London", country="GB")
    response = seeker_client.post(
        URL,
        form_data(target_occupations=[f"{lawyers.pk}.{attorney.pk}"], target_places=[london.pk]),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=seeker)
    assert [t.label for t in profile.occupation_targets.all()] == ["Attorney (Lawyers)"]


def test_words_that_match_nothing_stay_in_the_box_with_a_message(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(target_places_search="Qqxzzv"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "We found no place matching “Qqxzzv”. Try other words." in page
    assert 'value="Qqxzzv"' in page  # nothing typed is lost


def test_the_limit_is_on_screen(seeker, seeker_client):
    page = seeker_client.get(URL).content.decode()
    assert "Up to 5." in page
    assert "0 of 5 chosen" in page
    lawyer = suggestion(seeker_client, "occupations", "lawyer")
    seeker_client.post(URL, form_data(target_occupations=[lawyer["id"]]))
    assert "1 of 5 chosen" in seeker_client.get(URL).content.decode()


def test_the_chosen_title_is_kept_and_shown_with_its_group(seeker, seeker_client):
    solicitor = suggestion(seeker_client, "occupations", "solicitor")
    assert solicitor["display"] == "Solicitor (Lawyers)"
    response = seeker_client.post(URL, form_data(target_occupations=[solicitor["value"]]))
    assert response.status_code == 302
    target = Profile.objects.get(user=seeker).occupation_targets.get()
    assert target.title_id == solicitor["title_id"]
    page = seeker_client.get(URL).content.decode()
    assert f'value="{solicitor["value"]}" checked> Solicitor (Lawyers)' in page
    preview = seeker_client.get("/profile/letter/preview/").content.decode()
    assert "Solicitor (Lawyers)" in preview
    # Choosing the group itself afterwards drops the title.
    seeker_client.post(URL, form_data(target_occupations=[solicitor["id"]]))
    target = Profile.objects.get(user=seeker).occupation_targets.get()
    assert target.title is None
    assert target.label == "Lawyers"


@pytest.mark.parametrize(
    "value", ["{lawyers}.999999999", "{lawyers}.{nurse}", "{lawyers}.x", "1.2.3"]
)
def test_a_title_that_is_not_the_occupations_is_refused(seeker, seeker_client, value):
    lawyers = Occupation.objects.get(code="2611")
    nurse = Occupation.objects.get(code="2221").alternative_titles.first()
    response = seeker_client.post(
        URL, form_data(target_occupations=[value.format(lawyers=lawyers.pk, nurse=nurse.pk)])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target_occupations"]
    assert not Profile.objects.filter(user=seeker).exists()


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Germany", "DE"), ("  germany ", "DE"), ("Allemagne", "DE"), ("de", "DE"), ("UK", "GB")],
)
def test_the_country_is_typed_by_name_and_kept_as_its_code(seeker, seeker_client, typed, code):
    response = seeker_client.post(URL, form_data(country=typed))
    assert response.status_code == 302, response.context["form"].errors
    assert ContactDetails.objects.get(user=seeker).country.code == code


def test_no_country_is_no_country(seeker, seeker_client):
    assert seeker_client.post(URL, form_data(country="  ")).status_code == 302
    assert not ContactDetails.objects.get(user=seeker).country


@pytest.mark.parametrize("name", ["Sam\x1bSeeker", "Sam\u202eSeeker", "Sam \ue000"])
def test_the_profile_refuses_a_name_that_is_not_one_line_of_text(seeker, seeker_client, name):
    response = seeker_client.post(URL, form_data(name=name))
    assert response.status_code == 200
    assert "Enter a name made of letters" in response.content.decode()
    seeker.refresh_from_db()
    assert seeker.name == "Sam Seeker"


def test_the_profile_saves_a_name_on_one_line(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(name="Sam\r\nSeeker\u3000O\u0308"))
    assert response.status_code == 302
    seeker.refresh_from_db()
    assert seeker.name == "Sam Seeker \u00d6"


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
        ({"country": "Atlantis"}, "country", "We know no country called “Atlantis”"),
        ({"country": "GB\u202e"}, "country", "We know no country called"),
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


def test_what_one_form_asked_never_shows_in_anothers(seeker_client, other_seeker, client):
    seeker_client.post(URL, form_data(target_places_search="Paris"))
    client.force_login(other_seeker)
    page = client.get(URL).content.decode()
    assert "Did you mean one of these?" not in page
    assert "Paris, Texas" not in page
