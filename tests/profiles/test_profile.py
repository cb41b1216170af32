"""The profile form, as a seeker fills it in (§2.1 account information, §2.2 professional)."""

from __future__ import annotations

import pytest

from profiles.models import ContactDetails, Profile, Target
from taxonomy.models import Occupation, Place

URL = "/profile/"


def suggestion(client, kind: str, q: str) -> dict:
    """What the combobox would offer first for the typed text."""
    response = client.get(f"/taxonomy/{kind}/", {"q": q})
    assert response.status_code == 200
    return response.json()["results"][0]


def pair(client, q: str) -> dict:
    """The target the combobox offers first for a job and a place: its value and words."""
    return suggestion(client, "occupations", q)["target"]


def labels(user) -> list[str]:
    return [t.label for t in Profile.objects.get(user=user).targets.all()]


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
    in_london = pair(seeker_client, "attorney in Lond")
    remote = pair(seeker_client, "attorney remote")
    assert in_london["display"] == "Attorney in London, United Kingdom"
    assert remote["display"] == "Attorney, remote"

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
            targets=[in_london["value"], remote["value"]],
            linkedin_url="http://uk.linkedin.com/in/sam-seeker?trk=public_profile",
            related_roles="on",
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
    assert profile.open_to_recruiters and profile.related_roles
    assert [(t.occupation.code, t.title.title, t.place.name) for t in profile.targets.all()] == [
        ("2611", "attorney", "London"),
        ("2611", "attorney", "Remote"),
    ]

    page = seeker_client.get(URL).content.decode()
    assert "Your profile was saved." in page
    assert 'value="Samantha Seeker"' in page
    assert "+44 20 7946 0958" in page
    assert f'value="{in_london["value"]}" checked> Attorney in London, United Kingdom' in page
    assert f'value="{remote["value"]}" checked> Attorney, remote' in page
    assert "M&amp;A, contract drafting, GDPR" in page
    assert 'data-autocomplete-url="/taxonomy/occupations/"' in page
    assert "js/taxonomy-autocomplete.js" in page


def test_without_javascript_words_naming_one_target_are_added_and_said_back(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(targets_search="solicitor Munchen"), follow=True)
    assert response.redirect_chain
    target = Profile.objects.get(user=seeker).targets.get()
    assert (target.occupation.code, target.title.title) == ("2611", "solicitor")
    assert target.place.label == "Munich, Germany"
    assert target.label == "Solicitor in Munich, Germany"
    page = response.content.decode()
    # Never changed silently: what the words became is said.
    assert (
        "Your profile was saved. “solicitor Munchen” was added as Solicitor in Munich, Germany."
        in page
    )
    assert 'value="solicitor Munchen"' not in page  # the search box is empty again
    assert f'value="{target.value}" checked> Solicitor in Munich, Germany' in page


@pytest.mark.parametrize(
    "typed",
    ["attorney in Munich", "attorney at Munich", "attorney, Munich", "Attorney Munich"],
)
def test_a_job_and_a_place_are_understood_however_they_are_written(seeker, seeker_client, typed):
    response = seeker_client.post(URL, form_data(targets_search=typed), follow=True)
    assert "Your profile was saved." in response.content.decode()
    assert labels(seeker) == ["Attorney in Munich, Germany"]


def test_words_that_could_mean_several_places_are_not_guessed_the_form_asks(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(targets_search="lawyer in Paris"))
    assert response.status_code == 200
    assert not Profile.objects.filter(user=seeker).exists()
    assert response.context["form"].errors["targets"] == [
        "We did not add “lawyer in Paris”: more than one could be meant. "
        "Tick the one you mean below, or type other words."
    ]
    page = response.content.decode()
    lawyers = Occupation.objects.get(code="2611")
    lawyer = lawyers.alternative_titles.get(normalised="lawyer")
    paris = Place.objects.get(kind="city", name="Paris", country="FR")
    texas = Place.objects.get(kind="city", name="Paris", admin1="Texas")
    in_paris = f"{lawyers.pk}.{lawyer.pk}@{paris.pk}"
    assert "Did you mean one of these? Tick it to add it." in page
    assert f'name="targets" value="{in_paris}"> Lawyer in Paris, France' in page  # unticked
    assert f'@{texas.pk}"> Lawyer in Paris, Texas, United States of America' in page
    assert "0 of 10 chosen" in page

    response = seeker_client.post(URL, form_data(targets=[in_paris]))
    assert response.status_code == 302
    assert labels(seeker) == ["Lawyer in Paris, France"]


def test_words_that_could_mean_several_jobs_are_not_guessed(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(targets_search="manager in Leeds"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "We did not add “manager in Leeds”" in page
    assert "HR manager in Leeds, United Kingdom</label>" in page
    assert "IT manager in Leeds, United Kingdom</label>" in page


def test_a_job_without_a_place_asks_where(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(targets_search="attorney"))
    assert response.status_code == 200
    assert response.context["form"].errors["targets"] == [
        "Say where you want to work as Attorney, e.g. “Attorney in London” or “Attorney, remote”."
    ]
    assert 'value="attorney"' in response.content.decode()  # kept, to add the place to
    assert not Profile.objects.filter(user=seeker).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Qqxzzv", "We found no job matching “Qqxzzv”. Try other words."),
        ("lawyer in Qqxzzv", "We found no place matching “Qqxzzv”. Try other words."),
    ],
)
def test_words_that_match_nothing_stay_in_the_box_with_a_message(
    seeker, seeker_client, typed, message
):
    response = seeker_client.post(URL, form_data(targets_search=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["targets"] == [message]
    assert f'value="{typed}"' in response.content.decode()  # nothing typed is lost


def test_the_limit_is_on_screen(seeker, seeker_client):
    page = seeker_client.get(URL).content.decode()
    assert "Up to 10 targets, each a job in a place" in page
    assert "0 of 10 chosen" in page
    seeker_client.post(URL, form_data(targets=[pair(seeker_client, "lawyer in London")["value"]]))
    assert "1 of 10 chosen" in seeker_client.get(URL).content.decode()


def test_the_chosen_title_is_kept_and_shown_without_its_group(seeker, seeker_client):
    solicitor = pair(seeker_client, "solicitor in London")
    assert solicitor["display"] == "Solicitor in London, United Kingdom"
    response = seeker_client.post(URL, form_data(targets=[solicitor["value"]]))
    assert response.status_code == 302
    target = Profile.objects.get(user=seeker).targets.get()
    assert target.title.title == "solicitor"
    page = seeker_client.get(URL).content.decode()
    assert f'value="{solicitor["value"]}" checked> Solicitor in London, United Kingdom' in page
    preview = seeker_client.get("/profile/letter/preview/").content.decode()
    assert "Solicitor in London, United Kingdom" in preview
    assert "Lawyers" not in page + preview
    # Choosing the group itself afterwards drops the title: its everyday name is shown.
    group = f"{target.occupation_id}@{target.place_id}"
    seeker_client.post(URL, form_data(targets=[group]))
    target = Profile.objects.get(user=seeker).targets.get()
    assert target.title is None
    assert target.label == "Lawyers in London, United Kingdom"


@pytest.mark.parametrize(
    "value",
    [
        "{lawyers}.999999999@{london}",
        "{lawyers}.{nurse}@{london}",
        "{lawyers}.x@{london}",
        "{lawyers}@999999999",
        "{lawyers}",
        "1.2.3@4",
    ],
)
def test_a_target_that_is_not_one_we_know_is_refused(seeker, seeker_client, value):
    lawyers = Occupation.objects.get(code="2611")
    nurse = Occupation.objects.get(code="2221").alternative_titles.first()
    london = Place.objects.get(kind="city", name="London", country="GB")
    value = value.format(lawyers=lawyers.pk, nurse=nurse.pk, london=london.pk)
    response = seeker_client.post(URL, form_data(targets=[value]))
    assert response.status_code == 200
    assert response.context["form"].errors["targets"]
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
    in_london = pair(seeker_client, "lawyer in London")["value"]
    in_leeds = pair(seeker_client, "lawyer in Leeds")["value"]
    seeker_client.post(URL, form_data(targets=[in_london, in_leeds]))
    kept = Profile.objects.get(user=seeker).targets.get(place__name="London").pk
    seeker_client.post(URL, form_data(targets=[in_london]))
    assert list(Profile.objects.get(user=seeker).targets.values_list("pk", flat=True)) == [kept]
    seeker_client.post(URL, form_data())
    assert Profile.objects.get(user=seeker).targets.count() == 0


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
        ({"targets": ["abc"]}, "targets", "Choose your targets from the suggestions."),
        ({"targets": ["99999999@1"]}, "targets", "Select a valid choice"),
        ({"targets_search": "zzzqqqxxx"}, "targets", "We found no job matching"),
        (
            {"targets_search": "law\x00yer"},
            "targets",
            "Type letters, digits and punctuation only.",
        ),
        (
            {"open_to_recruiters": "on"},
            "targets",
            "To be open to recruiters, choose at least one job and where.",
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


def _pairs(n: int) -> list[str]:
    """n targets as the form posts them: lawyers in n different cities."""
    lawyers = Occupation.objects.get(code="2611")
    cities = Place.objects.filter(kind="city").values_list("pk", flat=True)[:n]
    return [f"{lawyers.pk}@{pk}" for pk in cities]


def test_at_most_ten_targets(seeker, seeker_client):
    response = seeker_client.post(URL, form_data(targets=_pairs(11)))
    assert response.context["form"].errors["targets"] == [
        "Choose at most 10 targets: untick one to add another."
    ]
    assert not Profile.objects.filter(user=seeker).exists()
    response = seeker_client.post(URL, form_data(targets=_pairs(10)))
    assert response.status_code == 302
    assert Profile.objects.get(user=seeker).targets.count() == 10
    # More than a profile can ever hold is refused before it is looked up.
    response = seeker_client.post(URL, form_data(targets=_pairs(26)))
    assert response.context["form"].errors["targets"] == ["Choose at most 10 targets."]


def test_a_typed_target_cannot_make_an_eleventh(seeker, seeker_client):
    response = seeker_client.post(
        URL, form_data(targets=_pairs(10), targets_search="nurse in Leeds")
    )
    assert response.context["form"].errors["targets"] == [
        "Choose at most 10 targets: untick one to add another."
    ]
    # What the words named is kept, ticked, for the seeker to choose what to untick.
    assert "Nurse in Leeds, United Kingdom" in response.content.decode()


def test_targets_kept_above_the_limit_stay_but_none_is_added(seeker, seeker_client):
    """Five occupations and five places kept as pairs are 25 targets, above today's limit:
    the seeker keeps them, removes some when they like, and adds once under the limit."""
    seeker_client.post(URL, form_data(targets=_pairs(1)))
    profile = Profile.objects.get(user=seeker)
    kept = _pairs(12)
    lawyers = Occupation.objects.get(code="2611")
    Target.objects.bulk_create(
        Target(profile=profile, occupation=lawyers, place_id=int(v.partition("@")[2]))
        for v in kept[1:]
    )
    response = seeker_client.post(URL, form_data(targets=kept, headline="Lawyer"))
    assert response.status_code == 302
    response = seeker_client.post(URL, form_data(targets=kept[1:], targets_search="nurse in Leeds"))
    assert response.context["form"].errors["targets"]
    assert seeker_client.post(URL, form_data(targets=kept[2:])).status_code == 302
    assert profile.targets.count() == 10


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
        targets=[
            Target(occupation=occupation, place=place)
            for occupation, place in zip(
                Occupation.objects.all()[:n_targets], Place.objects.all()[:n_targets], strict=True
            )
        ],
    )


def test_profile_page_uses_a_fixed_number_of_queries(
    seeker, seeker_client, django_assert_max_num_queries
):
    _fill(seeker, 1)
    with django_assert_max_num_queries(20) as small:
        seeker_client.get(URL)
    baseline = len(small)  # read now: every request resets the query log
    _fill(seeker, 10)
    with django_assert_max_num_queries(baseline):
        page = seeker_client.get(URL)
    assert page.content.decode().count('type="checkbox" name="targets"') == 10


def test_what_one_form_asked_never_shows_in_anothers(seeker_client, other_seeker, client):
    seeker_client.post(URL, form_data(targets_search="lawyer in Paris"))
    client.force_login(other_seeker)
    page = client.get(URL).content.decode()
    assert "Did you mean one of these?" not in page
    assert "Paris, Texas" not in page
