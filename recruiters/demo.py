"""Demo data: a directory of a few thousand made-up recruiters (``manage.py demo``).

Spread over real occupations and cities by :mod:`recruiters.generator`, plus a
few written for the demo seeker's targets (lawyers in London, and remote) so
the matches page shows every kind of reason. Idempotent.
"""

from __future__ import annotations

from typing import Any, TextIO

from django.conf import settings

from jobletters import demo
from taxonomy.models import Occupation, Place

from .directory import RecruiterData, save_recruiters
from .generator import Generator
from .models import Recruiter
from .statistics import refresh_markets

DEMO_DOMAIN = ".example"


def _featured() -> list[RecruiterData]:
    occupations = dict(
        Occupation.objects.filter(code__in=["2611", "2612", "2619"]).values_list("code", "pk")
    )
    london = (
        Place.objects.filter(kind="city", name="London", country="GB")
        .order_by("-population")
        .first()
    )
    croydon = Place.objects.filter(kind="city", name="Croydon", country="GB").first()
    manchester = Place.objects.filter(kind="city", name="Manchester", country="GB").first()
    uk = Place.objects.filter(kind="country", country="GB").first()
    remote = Place.objects.filter(kind="remote").first()
    if not (occupations.get("2611") and london and uk and remote):
        return []
    lawyers, judges = occupations["2611"], occupations.get("2612", occupations["2611"])
    rows = [
        ("Harriet Lane", "Lane & Okafor Legal Search", [lawyers], [london.pk],
         ["senior", "lead", "manager"], ["English", "French"], ["M&A", "GDPR", "private equity"]),
        ("Tomas Reid", "Northbridge Legal Talent", [lawyers, judges], [uk.pk],
         ["mid", "senior"], ["English"], ["litigation", "employment law"]),
        ("Priya Mehta", "Remote Counsel Partners", [lawyers], [remote.pk],
         ["senior", "lead"], ["English", "Arabic"], ["due diligence", "contracts", "M&A"]),
        ("Owen Walsh", "Walsh Judicial Appointments", [judges], [london.pk],
         ["lead", "executive"], ["English"], ["public sector"]),
    ]  # fmt: skip
    if croydon:
        rows.append(("Nadia Khan", "Croydon Legal Recruitment", [lawyers], [croydon.pk],
                     ["junior", "mid", "senior"], ["English", "Urdu"], ["family law"]))  # fmt: skip
    if manchester:
        rows.append(("Liam Brennan", "Brennan & Co Legal", [lawyers], [manchester.pk, uk.pk],
                     ["senior"], ["English"], ["corporate law", "M&A"]))  # fmt: skip
    return [
        RecruiterData(
            name=name,
            agency=agency,
            email=f"{name.lower().replace(' ', '.')}@demo-legal{DEMO_DOMAIN}",
            website="https://www.demo-legal.example",
            occupation_ids=occs,
            place_ids=places,
            seniority_levels=levels,
            languages=languages,
            keywords=keywords,
            daily_cap=20,
        )
        for name, agency, occs, places, levels, languages, keywords in rows
    ]


@demo.register
def load(*, seeker: Any, staff: Any, stdout: TextIO, count: int | None = None) -> None:
    count = settings.RECRUITERS_DEMO_COUNT if count is None else count
    featured = _featured()
    if Recruiter.objects.filter(email__endswith=DEMO_DOMAIN).count() >= count + len(featured):
        stdout.write("recruiters: the demo directory is already there.\n")
    else:
        records = [*featured, *Generator(seed=2026).recruiters(count)]
        created, updated = save_recruiters(records)
        stdout.write(
            f"recruiters: {len(created)} demo recruiters added, {len(updated)} refreshed.\n"
        )
    # The market figures beside the matches (beat recounts them hourly).
    refresh_markets()
