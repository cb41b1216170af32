"""The vocabulary that `migrate` loads, the loader's idempotence, and normalise()."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django_countries import countries

from privacy.registry.coverage import coverage_problems
from privacy.registry.declarations import exemption_for
from taxonomy import normalise
from taxonomy.loading import OCCUPATIONS_FILE
from taxonomy.models import Occupation, OccupationTitle, Place

pytestmark = pytest.mark.usefixtures("taxonomy")


def test_all_436_isco_unit_groups_cover_the_whole_labour_market():
    codes = list(Occupation.objects.values_list("code", flat=True))
    assert len(codes) == 436
    # ILO's published counts of unit groups per major group.
    assert Counter(code[0] for code in codes) == {
        "0": 3, "1": 31, "2": 92, "3": 84, "4": 29, "5": 40, "6": 18, "7": 66, "8": 40, "9": 33,
    }  # fmt: skip
    assert all(len(code) == 4 and code.isdigit() for code in codes)


def test_every_occupation_has_alternative_titles_and_a_description():
    without = Occupation.objects.filter(alternative_titles__isnull=True)
    assert list(without) == []
    assert OccupationTitle.objects.count() > 4000
    lawyers = Occupation.objects.get(code="2611")
    assert lawyers.description == (
        "ISCO-08 unit group 2611: Legal, social and cultural professionals (Professionals)."
    )


def test_british_and_american_usage_is_labelled():
    lawyers = Occupation.objects.get(code="2611")
    by_title = {t.title: t.locale for t in lawyers.alternative_titles.all()}
    assert by_title["solicitor"] == "en-GB"
    assert by_title["barrister"] == "en-GB"
    assert by_title["attorney"] == "en-US"
    assert by_title["lawyer"] == ""
    drivers = Occupation.objects.get(code="8332")
    assert {"truck driver", "lorry driver"} <= {t.title for t in drivers.alternative_titles.all()}


def test_stored_normalised_names_match_normalise():
    for model in (Occupation, OccupationTitle):
        for title, stored in model.objects.values_list("title", "normalised"):
            assert stored == normalise(title)
    for name, stored in Place.objects.values_list("name", "normalised")[:5000]:
        assert stored == normalise(name)


def test_places_are_cities_every_country_and_remote():
    assert Place.objects.filter(kind=Place.Kind.CITY).count() > 30_000
    assert Place.objects.filter(kind=Place.Kind.REMOTE).count() == 1
    country_codes = set(
        Place.objects.filter(kind=Place.Kind.COUNTRY).values_list("country", flat=True)
    )
    assert country_codes == {code for code, _ in countries}
    london = Place.objects.get(kind=Place.Kind.CITY, name="London", country="GB")
    assert london.population > 8_000_000
    assert london.geonames_id == 2643743
    assert round(london.latitude, 1) == 51.5
    assert round(london.longitude, 1) == -0.1
    assert london.admin1 == "England"
    assert str(london) == "London, United Kingdom"
    portland = Place.objects.get(kind=Place.Kind.CITY, name="Portland", admin1="Oregon")
    assert str(portland) == "Portland, Oregon, United States of America"
    assert str(Place.objects.get(kind=Place.Kind.REMOTE)) == "Remote"
    assert str(Place.objects.get(kind=Place.Kind.COUNTRY, country="FR")) == "France"


def test_cities_carry_their_other_names_and_spellings():
    munich = Place.objects.get(kind=Place.Kind.CITY, name="Munich", country="DE")
    names = munich.other_names.split("|")
    assert {"München", "Muenchen", "Monaco di Baviera"} <= set(names)
    assert "Munchen" not in names  # one spelling per normalised form, accents kept
    assert "MUC" not in names  # airport codes are not names
    assert "|munchen|" in munich.other_names_normalised
    assert "|muenchen|" in munich.other_names_normalised
    mumbai = Place.objects.get(kind=Place.Kind.CITY, name="Mumbai", country="IN")
    assert "Bombay" in mumbai.other_names.split("|")


def test_reloading_keeps_ids_and_counts_repairs_edits_and_drops_stale_titles(
    django_assert_max_num_queries,
):
    """One reload (seconds of work: 34,000 places), everything it promises."""
    lawyers = Occupation.objects.get(code="2611")
    solicitor = OccupationTitle.objects.get(occupation=lawyers, normalised="solicitor")
    before_occupations = dict(Occupation.objects.values_list("code", "id"))
    before_places = dict(Place.objects.exclude(geonames_id=None).values_list("geonames_id", "id"))
    before_titles = dict(OccupationTitle.objects.values_list("id", "normalised"))
    counts = (Occupation.objects.count(), OccupationTitle.objects.count(), Place.objects.count())
    # Rows edited by hand, and a title the data no longer has.
    Occupation.objects.filter(code="2611").update(title="Lawyerz", normalised="lawyerz")
    Place.objects.filter(geonames_id=2643743).update(name="Londres", normalised="londres")
    OccupationTitle.objects.create(occupation=lawyers, title="Zyqvo counsel")

    # Bulk writes: hundreds of queries for 34k rows (SQLite caps a batch at ~100
    # rows), not one per row.
    with django_assert_max_num_queries(1000):
        call_command("load_taxonomy", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Occupation.objects.get(code="2611").title == "Lawyers"
    assert Place.objects.get(geonames_id=2643743).name == "London"
    assert OccupationTitle.objects.filter(pk=solicitor.pk).exists()
    assert not OccupationTitle.objects.filter(normalised="zyqvo counsel").exists()
    assert dict(Occupation.objects.values_list("code", "id")) == before_occupations
    assert (
        dict(Place.objects.exclude(geonames_id=None).values_list("geonames_id", "id"))
        == before_places
    )
    assert counts == (
        Occupation.objects.count(),
        OccupationTitle.objects.count(),
        Place.objects.count(),
    )
    # Seekers' targets point to the title they chose: titles keep their ids too.
    assert dict(OccupationTitle.objects.values_list("id", "normalised")) == before_titles


def test_the_data_file_is_well_formed():
    data = json.loads(OCCUPATIONS_FILE.read_text(encoding="utf-8"))
    codes = [item["code"] for item in data["occupations"]]
    assert len(codes) == len(set(codes)) == 436
    for item in data["occupations"]:
        assert item["title"].strip()
        assert set(item["alternative_titles"]) <= {"any", "en-GB", "en-US"}
        assert item["code"][:2] in data["sub_major_groups"]


def test_models_are_declared_as_vocabulary_in_the_registry():
    assert coverage_problems([Occupation, OccupationTitle, Place]) == []
    for model in (Occupation, OccupationTitle, Place):
        assert "vocabulary" in exemption_for(model).reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zürich", "zurich"),
        ("  São   Paulo ", "sao paulo"),
        ("Attorney-at-Law", "attorney at law"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("Ærøskøbing", "aeroskobing"),
        ("İstanbul", "istanbul"),
        ("O'Brien & Sons", "o brien sons"),
        ("R&D manager", "r d manager"),
        ("C++ / .NET", "c net"),
        ("\uff26\uff35\uff2c\uff2c", "full"),  # fullwidth letters
        ("a\x00b", "a b"),
        ("東京", "東京"),
        ("", ""),
        ("---", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_normalise_is_idempotent_and_bounded():
    for text in ("Zürich / Saint-Gallen", "x" * 500, "ǅemal Ǆ"):
        once = normalise(text)
        assert normalise(once) == once
        assert len(once) <= 200
