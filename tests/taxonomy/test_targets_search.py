"""Stating a target easily: places by their other names and spellings, real cities
before districts, and "attorney in London" offering the pair."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taxonomy import search
from taxonomy.models import Occupation, OccupationTitle, Place

pytestmark = pytest.mark.usefixtures("taxonomy")

OCCUPATIONS = reverse("taxonomy:occupations")
PLACES = reverse("taxonomy:places")


def places(client, q, **params):
    response = client.get(PLACES, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def occupations(client, q, **params):
    response = client.get(OCCUPATIONS, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def city(name: str, country: str) -> Place:
    return Place.objects.get(kind=Place.Kind.CITY, name=name, country=country)


# --- Other names and spellings -----------------------------------------------------


@pytest.mark.parametrize(
    ("q", "matched"), [("München", "München"), ("Munchen", "München"), ("muenchen", "Muenchen")]
)
def test_munich_by_its_german_name_with_or_without_the_umlaut(client, q, matched):
    first = places(client, q)[0]
    assert first["id"] == city("Munich", "DE").pk
    assert first["label"] == "Munich, Germany"
    assert first["matched"] == matched


def test_munich_by_its_own_name_needs_no_note(client):
    first = places(client, "Munich")[0]
    assert first["label"] == "Munich, Germany"
    assert "matched" not in first


@pytest.mark.parametrize(
    ("q", "label"),
    [
        ("Bombay", "Mumbai, India"),
        ("Mumbai", "Mumbai, India"),
        ("Peking", "Beijing, China"),
        ("Wien", "Vienna, Austria"),
        ("Cologne", "Cologne, Germany"),
        ("Москва", "Moscow, Russia"),
    ],
)
def test_old_names_and_other_languages_find_the_city(client, q, label):
    assert places(client, q)[0]["label"] == label


def test_another_name_of_a_place_ranks_after_the_same_match_on_a_name(client):
    # A real "Zyxwick" and a place that is also called so: the real one first.
    named = Place.objects.create(kind="city", name="Zyxwick", country="GB", population=20_000)
    also = Place.objects.create(
        kind="city", name="Qorbury", country="GB", population=900_000, other_names="Zyxwick"
    )
    assert also.other_names_normalised == "|zyxwick|"
    results = places(client, "zyxwick")
    assert [r["id"] for r in results][:2] == [named.pk, also.pk]
    assert results[1]["matched"] == "Zyxwick"
    # Another name's exact match still beats a name that only starts with the words.
    longer = Place.objects.create(
        kind="city", name="Zyxwick upon Sea", country="GB", population=2_000_000
    )
    ids = [r["id"] for r in places(client, "zyxwick")]
    assert ids.index(also.pk) < ids.index(longer.pk)


def test_a_small_towns_other_names_only_count_as_weak_matches(client):
    # GeoNames keeps old names of small towns ("Berlin" for North Canton, Ohio).
    town = Place.objects.create(
        kind="city", name="Quorton", country="US", population=17_000, other_names="Vexbury"
    )
    real = Place.objects.create(
        kind="city", name="Vexbury Heights", country="US", population=16_000
    )
    ids = [r["id"] for r in places(client, "vexbury")]
    assert ids.index(real.pk) < ids.index(town.pk)


def test_short_queries_do_not_search_other_names(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = places(client, "Mü")
    assert all("matched" not in r for r in results)


@pytest.mark.parametrize("q", ["Bombay", "München", "Saigon"])
def test_place_search_with_other_names_is_still_one_query(client, django_assert_num_queries, q):
    with django_assert_num_queries(1):
        client.get(PLACES, {"q": q, "limit": "20"})


# --- Real cities before districts --------------------------------------------------


def test_districts_of_large_cities_are_marked_from_the_data():
    for name, country in [("Islington", "GB"), ("Camden Town", "GB"), ("Kreuzberg", "DE")]:
        assert city(name, country).is_district, name
    assert Place.objects.get(name="Paris 15 Vaugirard").is_district
    for name, country in [("London", "GB"), ("Paris", "FR"), ("Munich", "DE"), ("Mumbai", "IN")]:
        assert not city(name, country).is_district, name
    # Near New York, but a city of its own state.
    newark = Place.objects.get(name="Newark", admin1="New Jersey")
    assert not newark.is_district


def test_a_real_city_ranks_above_a_larger_district_of_the_same_name(client):
    district = Place.objects.create(
        kind="city", name="Plimbury", country="GB", population=300_000, is_district=True
    )
    real = Place.objects.create(kind="city", name="Plimbury", country="US", population=60_000)
    assert [r["id"] for r in places(client, "Plimbury")][:2] == [real.pk, district.pk]


def test_a_district_much_larger_than_a_namesake_city_still_comes_first(client):
    # Manhattan, New York (a borough) before Manhattan, Kansas.
    district = Place.objects.create(
        kind="city", name="Plonkton", country="US", population=1_500_000, is_district=True
    )
    small = Place.objects.create(kind="city", name="Plonkton", country="CA", population=50_000)
    assert [r["id"] for r in places(client, "Plonkton")][:2] == [district.pk, small.pk]


def test_real_data_hollywood_florida_before_the_los_angeles_district(client):
    labels = [r["label"] for r in places(client, "Hollywood")]
    assert labels.index("Hollywood, Florida, United States of America") < labels.index(
        "Hollywood, California, United States of America"
    )


# --- A job and a place, however written ------------------------------------------------


def test_attorney_in_london_offers_the_pair_first(client):
    results = occupations(client, "attorney in London")
    lawyers = Occupation.objects.get(code="2611")
    attorney = OccupationTitle.objects.get(occupation=lawyers, normalised="attorney")
    london = city("London", "GB")
    first, second = results[0], results[1]
    assert first["id"] == lawyers.pk
    assert first["value"] == f"{lawyers.pk}.{attorney.pk}"
    assert first["display"] == "Attorney"
    assert first["place"]["id"] == london.pk
    assert first["place"]["label"] == "London, United Kingdom"
    assert first["target"] == {
        "value": f"{lawyers.pk}.{attorney.pk}@{london.pk}",
        "display": "Attorney in London, United Kingdom",
    }
    assert second["target"]["display"] == "Attorney in London, Ontario, Canada"
    # Only the best-matching places (not Londonderry), then the role alone.
    pairs = [r for r in results if "place" in r]
    assert len(pairs) == 2
    assert results[2] == {k: v for k, v in first.items() if k not in ("place", "target")}


@pytest.mark.parametrize(
    "q",
    [
        "software developer in Munich",
        "software developer at Munich",
        "software developer, Munich",
        "software developer Munich",
        "Software Developer  munich",
    ],
)
def test_a_job_and_a_place_in_any_common_form_offer_the_pair_and_the_job_alone(client, q):
    results = occupations(client, q)
    developers = Occupation.objects.get(code="2512")
    assert results[0]["target"]["display"] == "Software developer in Munich, Germany"
    assert results[0]["id"] == developers.pk
    alone = [r for r in results if "place" not in r]
    assert alone[0]["display"] == "Software developer"
    assert alone[0]["id"] == developers.pk


@pytest.mark.parametrize(
    ("q", "pair"),
    [
        ("nurse Rio de Janeiro", "Nurse in Rio de Janeiro, Brazil"),
        ("registered nurse New York", "Registered nurse in New York City, New York, "),
        ("welder, Hamburg, Germany", "Welder in Hamburg, Germany"),
        ("translator remote", "Translator, remote"),
        ("lawyer in France", "Lawyer in France"),
        ("lawyer UK", "Lawyer in the United Kingdom"),
    ],
)
def test_places_of_several_words_countries_and_remote(client, q, pair):
    assert occupations(client, q)[0]["target"]["display"].startswith(pair)


@pytest.mark.parametrize(
    "q", ["attorney at law", "software developer", "sales man", "Cleaners and helpers in offices"]
)
def test_words_that_are_a_job_or_its_start_are_not_read_as_a_place(client, q):
    results = occupations(client, q)
    assert results and all("place" not in r for r in results)


def test_a_pair_with_another_name_of_the_place(client):
    first = occupations(client, "Solicitor in München")[0]
    assert first["target"]["display"] == "Solicitor in Munich, Germany"
    assert first["place"]["matched"] == "München"


def test_a_pair_narrowed_by_country(client):
    first = occupations(client, "nurse in London, Canada")[0]
    assert first["place"]["label"] == "London, Ontario, Canada"


@pytest.mark.parametrize("q", ["nurse in", "nurse in ", "nurse in L", "nurse, ", "nurse at"])
def test_while_the_place_is_being_typed_the_role_is_offered(client, q):
    results = occupations(client, q)
    assert results
    assert all("place" not in r for r in results)
    assert results[0]["display"] == "Nurse"


def test_no_pair_when_the_words_after_in_are_no_place(client):
    results = occupations(client, "attorney in qqxzzv")
    assert results and all("place" not in r for r in results)
    assert results[0]["display"] == "Attorney"


def test_titles_that_contain_in_are_still_found_whole(client):
    results = occupations(client, "Cleaners and helpers in offices")
    assert results[0]["label"] == "Cleaners and helpers in offices, hotels and other establishments"
    assert all("place" not in r for r in results)


@pytest.mark.parametrize(
    ("q", "queries"),
    [
        ("attorney", 2),  # a job: its names, its titles
        ("attorney in London", 5),  # ...the words whole, the place, the job
        ("software developer Munich", 6),  # ...and a place in the last three words first
        ("nurse qqxz qqxz London", 7),  # at most: a place found in the last word only
    ],
)
def test_a_fixed_number_of_queries(client, django_assert_num_queries, q, queries):
    with django_assert_num_queries(queries):
        client.get(OCCUPATIONS, {"q": q})


def test_split_pair():
    assert search.split_pair("attorney in London") == ("attorney", "London")
    assert search.split_pair("  Attorney IN  New York ") == ("Attorney", "New York")
    assert search.split_pair("nurse at Leeds") == ("nurse", "Leeds")
    assert search.split_pair("welder, Hamburg, Germany") == ("welder", "Hamburg, Germany")
    assert search.split_pair("nurse in") == ("nurse", "")
    assert search.split_pair("Labourers in mining in Leeds") == ("Labourers in mining", "Leeds")
    assert search.split_pair("in London") is None
    assert search.split_pair(", London") is None
    assert search.split_pair("lawyer") is None
    assert search.split_pair("software developer Munich") is None


def test_read_target_finds_the_place_in_the_last_words():
    role, place, places = search.read_target("software developer New York")
    assert (role, place) == ("software developer", "New York")
    assert places[0].label.startswith("New York City")
    assert search.read_target("software developer") is None
    assert search.read_target("nurse in") == ("nurse", "", [])
