"""The autocomplete endpoints, through their URLs, against the full vocabulary."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taxonomy.models import Occupation, OccupationTitle, Place

pytestmark = pytest.mark.usefixtures("taxonomy")

OCCUPATIONS = reverse("taxonomy:occupations")
PLACES = reverse("taxonomy:places")


def occupations(client, q, **params):
    response = client.get(OCCUPATIONS, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def places(client, q, **params):
    response = client.get(PLACES, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def code_of(result) -> str:
    return Occupation.objects.get(pk=result["id"]).code


def pick(result: dict, *keys: str) -> dict:
    return {key: result[key] for key in keys if key in result}


# --- Occupations -------------------------------------------------------------------


@pytest.mark.parametrize("q", ["attorney", "Attorney", "solicitor", "barrister", "lawyer"])
def test_every_name_for_a_lawyer_meets_at_unit_group_2611(client, q):
    results = occupations(client, q)
    assert results, q
    first = results[0]
    assert code_of(first) == "2611"
    assert first["label"] == "Lawyers"
    assert first["matched"].lower() == q.lower()


def test_attorney_for_a_seeker_who_starts_typing(client):
    results = occupations(client, "attor")
    assert code_of(results[0]) == "2611"
    assert results[0]["matched"] == "attorney"


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("nurse", "2221"),
        ("programmer", "2512"),
        ("software developer", "2512"),
        ("developer soft", "2512"),
        ("accountant", "2411"),
        ("chef", "3434"),
        ("cook", "5120"),
        ("truck driver", "8332"),
        ("lorry driver", "8332"),
        ("HGV", "8332"),
        ("anaesthetist", "2212"),
        ("anesthesiologist", "2212"),
        ("labourer", "9313"),
        ("laborer", "9313"),
        ("estate agent", "3334"),
        ("realtor", "3334"),
        ("postman", "4412"),
        ("mail carrier", "4412"),
        ("électricien", None),  # accents are folded; must not fail
        ("electrician", "7411"),
        ("draughtsman", "3118"),
        ("draftsman", "3118"),
        ("pediatrician", "2212"),
        ("paediatrician", "2212"),
    ],
)
def test_common_titles_and_both_spellings_resolve(client, q, code):
    results = occupations(client, q)
    if code is None:
        return
    assert results, q
    assert code_of(results[0]) == code, (q, results[:3])


def test_the_official_title_matches_without_a_matched_note(client):
    first = occupations(client, "Lawyers")[0]
    pk = Occupation.objects.get(code="2611").pk
    assert first == {"id": pk, "label": "Lawyers", "value": str(pk), "display": "Lawyers"}


def test_one_result_per_occupation_however_many_titles_match(client):
    results = occupations(client, "engineer", limit=20)
    ids = [r["id"] for r in results]
    assert len(ids) == len(set(ids)) == 20


def test_alternative_titles_added_later_resolve_to_their_occupation(client):
    lawyers = Occupation.objects.get(code="2611")
    title = OccupationTitle.objects.create(
        occupation=lawyers, title="Rechtsbeistand", locale="de-DE"
    )
    assert occupations(client, "rechtsbei")[0] == {
        "id": lawyers.pk,
        "label": "Lawyers",
        "matched": "Rechtsbeistand",
        "title_id": title.pk,
        "title": "Rechtsbeistand",
        "value": f"{lawyers.pk}.{title.pk}",
        "display": "Rechtsbeistand",
    }


def test_the_chosen_title_comes_with_its_id_and_is_shown_alone(client):
    first = occupations(client, "solicitor")[0]
    title = OccupationTitle.objects.get(pk=first["title_id"])
    assert (title.title, title.occupation.code) == ("solicitor", "2611")
    assert first["title"] == "Solicitor"
    assert first["display"] == "Solicitor"
    assert first["value"] == f"{first['id']}.{title.pk}"


@pytest.mark.parametrize(
    ("q", "display"),
    [
        ("legal professionals", "Other legal professionals"),
        ("receptionists", "Receptionists"),
        ("technical and medical sales", "Technical and medical sales professionals"),
    ],
)
def test_a_group_chosen_by_its_own_name_is_shown_in_everyday_words(client, q, display):
    first = occupations(client, q)[0]
    assert "title_id" not in first
    assert first["display"] == display


def test_two_groups_sharing_a_title_are_offered_once(client):
    # "nurse" is a title of nursing professionals and of nursing associate professionals:
    # shown alike, only the better match is offered.
    displays = [r["display"] for r in occupations(client, "nurse", limit=20)]
    assert displays.count("Nurse") == 1


def test_ranking_exact_then_prefix_then_word_prefix_then_inside(client):
    # Nonsense names that no real occupation contains.
    inside = Occupation.objects.create(code="X004", title="Quxzyqvorker")
    word = Occupation.objects.create(code="X003", title="Senior zyqvo")
    prefix = Occupation.objects.create(code="X002", title="Zyqvo and helpers")
    exact = Occupation.objects.create(code="X001", title="Zyqvo")
    results = occupations(client, "zyqvo")
    assert [r["id"] for r in results] == [exact.pk, prefix.pk, word.pk, inside.pk]


def test_shorter_names_first_within_a_tier(client):
    long = Occupation.objects.create(code="X011", title="Wobblewright of great renown")
    short = Occupation.objects.create(code="X012", title="Wobblewright assistant")
    assert [r["id"] for r in occupations(client, "wobble")] == [short.pk, long.pk]


def test_a_typo_finds_the_occupation_on_postgresql(client):
    results = occupations(client, "solicter")
    if connection.vendor == "postgresql":
        # Trigram similarity: the typo is close enough to "solicitor".
        assert code_of(results[0]) == "2611"
    else:
        # SQLite has no trigram index: no similar tier, and no error either.
        assert all(code_of(r) != "2611" for r in results)


def test_limit(client):
    assert len(occupations(client, "manager", limit=3)) == 3
    assert len(occupations(client, "manager")) == 10


# --- Places ------------------------------------------------------------------------


def test_lond_finds_london_united_kingdom_first(client):
    results = places(client, "Lond")
    london = Place.objects.get(kind=Place.Kind.CITY, name="London", country="GB")
    assert pick(results[0], "id", "label", "kind", "matched") == {
        "id": london.pk,
        "label": "London, United Kingdom",
        "kind": "city",
    }
    assert results[0]["value"] == str(london.pk)
    labels = [r["label"] for r in results]
    assert "London, Ontario, Canada" in labels
    assert labels.index("London, United Kingdom") < labels.index("London, Ontario, Canada")


def test_population_breaks_ties_between_equal_matches(client):
    small = Place.objects.create(kind="city", name="Quuxford", country="GB", population=20_000)
    big = Place.objects.create(kind="city", name="Quuxford", country="US", population=90_000)
    # (On PostgreSQL similar names such as Guildford may follow.)
    assert [r["id"] for r in places(client, "quuxford")][:2] == [big.pk, small.pk]


def test_a_place_search_narrowed_by_country_after_a_comma(client):
    first = places(client, "London, Canada")[0]
    assert first["label"] == "London, Ontario, Canada"
    assert places(client, "London, GB")[0]["label"] == "London, United Kingdom"
    assert places(client, "Portland, Oregon")[0]["label"] == (
        "Portland, Oregon, United States of America"
    )
    assert places(client, "Portland, Maine")[0]["label"] == (
        "Portland, Maine, United States of America"
    )


def test_a_place_search_filtered_by_country_parameter(client):
    results = places(client, "lon", country="CA")
    assert results
    assert all(Place.objects.get(pk=r["id"]).country == "CA" for r in results)
    assert results[0]["label"] == "London, Ontario, Canada"


def test_countries_by_name_and_by_everyday_alias(client):
    assert pick(places(client, "germ")[0], "id", "label", "kind") == {
        "id": Place.objects.get(kind="country", country="DE").pk,
        "label": "Germany",
        "kind": "country",
    }
    assert places(client, "uk")[0]["label"] == "United Kingdom"
    assert places(client, "USA")[0]["label"] == "United States of America"


def test_remote_is_one_place_and_found_early(client):
    remote = Place.objects.get(kind=Place.Kind.REMOTE)
    expected = {"id": remote.pk, "label": "Remote", "kind": "remote"}
    assert pick(places(client, "rem")[0], "id", "label", "kind", "matched") == expected
    assert [pick(r, "id", "label", "kind") for r in places(client, "remote", kind="remote")] == [
        expected
    ]


def test_kind_filter(client):
    results = places(client, "lond", kind="country")
    assert results == []
    results = places(client, "united", kind=["country"])
    assert {r["kind"] for r in results} == {"country"}


def test_accents_are_ignored(client):
    assert places(client, "Zurich")[0]["label"] == "Zürich, Switzerland"
    assert places(client, "ZÜRICH")[0]["label"] == "Zürich, Switzerland"
    assert places(client, "sao paulo")[0]["label"] == "São Paulo, Brazil"


# --- Bad input: never a 500 ----------------------------------------------------------


@pytest.mark.parametrize("url", [OCCUPATIONS, PLACES])
@pytest.mark.parametrize("q", ["", "a", " ", "--", "é", "  x  ", "'", "%", "_"])
def test_short_or_empty_queries_give_an_empty_list(client, url, q):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    assert response.json() == {"results": []}


@pytest.mark.parametrize("url", [OCCUPATIONS, PLACES])
def test_missing_q_gives_an_empty_list(client, url):
    assert client.get(url).json() == {"results": []}


@pytest.mark.parametrize("url", [OCCUPATIONS, PLACES])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 101}, "at most 100"),
        ({"q": "Lon\x00don"}, "letters, digits"),
        ({"q": "\x1b[31m"}, "letters, digits"),
        ({"q": "lawyer", "limit": "abc"}, "limit"),
        ({"q": "lawyer", "limit": "0"}, "limit"),
        ({"q": "lawyer", "limit": "999999999999999999999"}, "limit"),
        ({"q": "lawyer", "limit": "-1"}, "limit"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert message in body["error"]
    assert body["results"] == []


@pytest.mark.parametrize(
    "params",
    [{"q": "lon", "kind": "planet"}, {"q": "lon", "country": "GBR"}, {"q": "lon", "country": "G1"}],
)
def test_bad_place_filters_are_a_400(client, params):
    response = client.get(PLACES, params)
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("url", [OCCUPATIONS, PLACES])
@pytest.mark.parametrize(
    "q",
    ["東京", "Москва", "القاهرة", "👩‍⚖️ lawyer", "O'Brien & Sons", "100%", "a_b", "\\", "x" * 100],
)
def test_unicode_and_odd_characters_are_searched_safely(client, url, q):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize("url", [OCCUPATIONS, PLACES])
def test_undecodable_bytes_in_the_query_string(client, url):
    response = client.get(url + "?q=%ff%fe%00lond")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("url", [OCCUPATIONS, PLACES])
def test_only_get(client, url):
    assert client.post(url, {"q": "lawyer"}).status_code == 405


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=st.text(max_size=120))
def test_random_text_never_breaks_the_endpoints(client, q):
    for url in (OCCUPATIONS, PLACES):
        response = client.get(url, {"q": q})
        assert response.status_code in (200, 400), (q, response.content)


# --- Caching and query counts -------------------------------------------------------


def test_answers_are_cacheable_and_revalidate_with_etag(client):
    response = client.get(OCCUPATIONS, {"q": "attorney"})
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(OCCUPATIONS, {"q": "attorney"}, headers={"if-none-match": etag})
    assert again.status_code == 304
    other = client.get(OCCUPATIONS, {"q": "nurse"}, headers={"if-none-match": etag})
    assert other.status_code == 200


@pytest.mark.parametrize("q", ["attorney", "eng", "software developer", "zzzzzz", "nurse"])
def test_occupation_search_is_two_queries_whatever_matches(client, django_assert_num_queries, q):
    with django_assert_num_queries(2):
        client.get(OCCUPATIONS, {"q": q, "limit": "20"})


@pytest.mark.parametrize("q", ["Lond", "san", "London, Canada", "zzzzzz", "rem"])
def test_place_search_is_one_query_whatever_matches(client, django_assert_num_queries, q):
    with django_assert_num_queries(1):
        client.get(PLACES, {"q": q, "limit": "20"})


def test_signed_in_seekers_get_the_same_answers(seeker_client, client):
    assert occupations(seeker_client, "attorney") == occupations(client, "attorney")
