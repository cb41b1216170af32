"""Realistic, made-up recruiters for the demo and the benchmark.

Recruiters cluster the way real ones do: around the big job markets (the UK,
the US, western Europe, then the rest of the world), in cities weighted by
population, each specialising in a few related occupations (mostly one ISCO
minor or sub-major group), with the languages of their country, seniority
levels that form a range, and specialisms of their field. Every address is at
a reserved ``.example`` domain, so nothing generated here can reach a real
inbox. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any, TypeVar

from profiles.models import Profile
from taxonomy.models import Occupation, Place

from .directory import RecruiterData

# Relative size of each country's recruiting market in the directory.
MARKETS = {
    "GB": 18, "US": 20, "DE": 8, "FR": 7, "NL": 4, "IE": 3, "ES": 4, "IT": 3, "CA": 5, "AU": 4,
    "CH": 2, "BE": 2, "SE": 2, "PL": 2, "IN": 4, "SG": 2, "AE": 2, "PT": 1, "AT": 1, "DK": 1,
    "NO": 1, "FI": 1, "NZ": 1, "ZA": 1, "BR": 2, "MX": 2, "JP": 1, "HK": 1, "CN": 1, "AR": 1,
}  # fmt: skip
LANGUAGES = {
    "GB": ["English"], "US": ["English"], "IE": ["English"], "AU": ["English"],
    "NZ": ["English"], "CA": ["English", "French"], "DE": ["German", "English"],
    "AT": ["German", "English"], "CH": ["German", "French", "English"],
    "FR": ["French", "English"], "BE": ["Dutch", "French", "English"],
    "NL": ["Dutch", "English"], "ES": ["Spanish", "English"], "MX": ["Spanish", "English"],
    "AR": ["Spanish"], "IT": ["Italian", "English"], "PT": ["Portuguese", "English"],
    "BR": ["Portuguese", "English"], "SE": ["Swedish", "English"], "DK": ["Danish", "English"],
    "NO": ["Norwegian", "English"], "FI": ["Finnish", "English"], "PL": ["Polish", "English"],
    "IN": ["English", "Hindi"], "SG": ["English", "Mandarin"], "HK": ["English", "Cantonese"],
    "CN": ["Mandarin", "English"], "JP": ["Japanese", "English"], "AE": ["English", "Arabic"],
    "ZA": ["English", "Afrikaans"],
}  # fmt: skip
EXTRA_LANGUAGES = ["Arabic", "French", "Spanish", "German", "Mandarin", "Polish", "Italian"]
MAJOR_GROUP_WEIGHT = {"1": 14, "2": 30, "3": 20, "4": 10, "5": 9, "6": 1, "7": 8, "8": 4, "9": 3}
POPULAR = {
    "2611", "2612", "2619", "2511", "2512", "2513", "2514", "2519", "2521", "2529", "2221",
    "2211", "2411", "2412", "2413", "2421", "2423", "2431", "2432", "3322", "1221", "1211",
    "1212", "2142", "2144", "2149", "2341", "2330", "4110", "5120", "8322", "2166", "3313",
    "3323", "1330", "2631", "3251", "5223",
}  # fmt: skip
SPECIALISMS = {
    "11": ["board", "leadership", "strategy", "public sector", "transformation", "P&L"],
    "12": ["HR", "finance", "strategy", "sales leadership", "marketing", "operations"],
    "13": ["operations", "supply chain", "construction", "IT leadership", "healthcare"],
    "14": ["hospitality", "retail", "restaurants", "hotels", "customer service"],
    "21": ["civil engineering", "structural", "mechanical", "electrical", "CAD", "renewables",
           "oil and gas", "automotive", "aerospace", "data science"],
    "22": ["NHS", "ICU", "paediatrics", "surgery", "mental health", "oncology", "midwifery",
           "community care", "A&E", "GP"],
    "23": ["primary", "secondary", "SEN", "STEM", "higher education", "EFL", "early years"],
    "24": ["accounting", "audit", "IFRS", "FP&A", "tax", "marketing", "HR", "procurement",
           "financial planning", "investment", "brand", "digital marketing"],
    "25": ["Python", "Java", "JavaScript", "cloud", "AWS", "DevOps", "data engineering",
           "machine learning", "security", "React", "Kubernetes", "SQL", "Go", "fintech"],
    "26": ["litigation", "M&A", "employment law", "corporate law", "GDPR",
           "intellectual property", "compliance", "contracts", "due diligence",
           "private equity", "family law", "tax law", "journalism", "social work"],
    "31": ["maintenance", "QA", "lab", "quality control", "building services"],
    "32": ["nursing support", "pharmacy", "dental", "care homes"],
    "33": ["sales", "B2B", "account management", "insurance", "real estate", "logistics",
           "bookkeeping", "payroll"],
    "34": ["paralegal", "events", "sport", "culinary", "social care"],
    "35": ["networking", "IT support", "service desk", "broadcasting"],
    "41": ["data entry", "reception", "office support", "Excel"],
    "42": ["customer service", "call centre", "front desk", "banking"],
    "43": ["payroll", "bookkeeping", "stock control", "logistics"],
    "44": ["records", "filing", "mail room"],
    "51": ["hospitality", "catering", "travel", "beauty"],
    "52": ["retail", "sales floor", "e-commerce", "cashier"],
    "53": ["care", "childcare", "home care", "teaching assistant"],
    "54": ["security", "SIA", "fire safety"],
    "71": ["construction", "carpentry", "plumbing", "CSCS", "roofing"],
    "72": ["welding", "machining", "fabrication", "HVAC", "automotive"],
    "74": ["electrician", "electronics", "telecoms"],
    "75": ["food production", "textiles", "joinery"],
    "81": ["production line", "CNC", "plant operation"],
    "83": ["HGV", "forklift", "delivery driving", "logistics"],
    "91": ["cleaning", "housekeeping"],
    "93": ["warehouse", "labouring", "picking and packing"],
    "94": ["kitchen", "food preparation"],
}  # fmt: skip
FIELD_WORDS = {
    "11": "Executive", "12": "Management", "13": "Operations", "14": "Hospitality",
    "21": "Engineering", "22": "Health", "23": "Education", "24": "Finance", "25": "Tech",
    "26": "Legal", "31": "Technical", "32": "Care", "33": "Commercial", "34": "Services",
    "35": "IT", "41": "Office", "42": "Customer", "43": "Accounts", "51": "Hospitality",
    "52": "Retail", "53": "Care", "54": "Security", "71": "Construction", "72": "Trades",
    "74": "Electrical", "83": "Driving", "93": "Industrial",
}  # fmt: skip
SUFFIXES = ["Recruitment", "Talent", "Search", "Partners", "Associates", "Staffing", "People",
            "Careers", "Consulting"]  # fmt: skip
FIRST = """Aaliyah Aarav Ada Adebayo Aiden Aisha Akira Alba Alejandro Alex Amara Amelia Ana Anders
Andrea Aoife Arjun Astrid Ayaan Beatriz Ben Bilal Camille Carlos Charlotte Chen Chloe Chidi Clara
Daniel Deepa Diego Eilidh Elena Eliza Emeka Emma Ethan Fatima Felix Fiona Freya Gabriel Grace
Hana Hannah Harper Hugo Ibrahim Imani Isaac Isla Ivan Jack James Jasmine Javier Jia Joao Jonas
Jordan Julia Kai Karim Keira Kenji Laila Lars Layla Leila Leo Liam Lina Lucas Lucia Maeve Maria
Mateo Maya Mei Mohammed Nadia Naomi Nia Noah Nora Olivia Omar Oscar Owen Priya Rafael Rahul Rosa
Ruby Sakura Sam Sara Sean Sofia Tariq Theo Tomas Uma Valentina Wei Yara Yusuf Zara Zoe""".split()  # noqa: SIM905
LAST = """Abbott Adeyemi Ahmed Ali Andersson Bauer Becker Bennett Bianchi Blanc Brennan Brooks
Campbell Carter Chen Clarke Cohen Costa Cruz Dubois Dunn Evans Fernandes Fischer Fitzgerald
Fontaine Garcia Gill Gonzalez Grant Green Gupta Hall Hansen Harper Hayes Hoffmann Hughes Iyer
Jansen Jensen Johansson Jones Kaur Kelly Khan Kim Klein Kowalski Kumar Lane Larsen Laurent Lee
Lewis Lopez Martin Mehta Meyer Moreau Morris Murphy Nakamura Nguyen Nielsen Novak Nowak OBrien
Okafor Okonkwo Olsen Park Patel Perez Petrov Quinn Rahman Reid Reyes Ricci Rossi Russo Santos
Schmidt Schneider Shah Silva Singh Smith Sullivan Tanaka Taylor Thompson Turner Wagner Walsh Wang
Weber Williams Wilson Wright Yamamoto Young Zhang Zielinski""".split()  # noqa: SIM905
_SLUG = re.compile(r"[^a-z0-9]+")
T = TypeVar("T")


def _weighted(rng: random.Random, items: Sequence[T], cumulative: Sequence[float]) -> T:
    return rng.choices(items, cum_weights=cumulative, k=1)[0]


class Generator:
    """Makes :class:`~recruiters.directory.RecruiterData` from the loaded taxonomy."""

    def __init__(self, *, seed: int = 2026, min_population: int = 100_000) -> None:
        self.rng = random.Random(seed)
        self.occupations = list(Occupation.objects.order_by("code").values_list("pk", "code"))
        if not self.occupations:
            raise RuntimeError("The taxonomy is not loaded (run manage.py migrate).")
        self.occupation_weights = list(
            accumulate(
                MAJOR_GROUP_WEIGHT.get(code[0], 0) * (4 if code in POPULAR else 1)
                for _, code in self.occupations
            )
        )
        self.by_minor: dict[str, list[tuple[int, str]]] = {}
        self.by_sub_major: dict[str, list[tuple[int, str]]] = {}
        for pk, code in self.occupations:
            self.by_minor.setdefault(code[:3], []).append((pk, code))
            self.by_sub_major.setdefault(code[:2], []).append((pk, code))
        self.cities: dict[str, list[Any]] = {}
        for city in Place.objects.filter(
            kind=Place.Kind.CITY, country__in=list(MARKETS), population__gte=min_population
        ).values_list("pk", "name", "country", "population", named=True):
            self.cities.setdefault(str(city.country), []).append(city)
        self.countries = {
            str(code): pk
            for pk, code in Place.objects.filter(
                kind=Place.Kind.COUNTRY, country__in=list(MARKETS)
            ).values_list("pk", "country")
        }
        self.remote = (
            Place.objects.filter(kind=Place.Kind.REMOTE).values_list("pk", flat=True).first()
        )
        self.markets = [c for c in MARKETS if self.cities.get(c)]
        self.market_weights = list(accumulate(MARKETS[c] for c in self.markets))
        self.city_weights = {
            c: list(accumulate(city.population**0.9 for city in self.cities[c]))
            for c in self.markets
        }
        self.levels = [key for key, _ in Profile.Seniority.choices]
        self._emails: set[str] = set()

    def recruiters(self, count: int) -> Iterator[RecruiterData]:
        for _ in range(count):
            yield self.recruiter()

    def recruiter(self) -> RecruiterData:
        rng = self.rng
        pk, code = _weighted(rng, self.occupations, self.occupation_weights)
        occupations = [pk]
        for _ in range(min(int(rng.expovariate(0.9)), 4)):
            roll = rng.random()
            if roll < 0.6:
                pool = self.by_minor[code[:3]]
            elif roll < 0.9:
                pool = self.by_sub_major[code[:2]]
            else:
                pool = [(p, c) for p, c in self.occupations if c[0] == code[0]]
            extra = rng.choice(pool)[0]
            if extra not in occupations:
                occupations.append(extra)

        country = _weighted(rng, self.markets, self.market_weights)
        home = _weighted(rng, self.cities[country], self.city_weights[country])
        places = [home.pk]
        if rng.random() < 0.35:
            other = _weighted(rng, self.cities[country], self.city_weights[country])
            if other.pk not in places:
                places.append(other.pk)
        if rng.random() < 0.2 and country in self.countries:
            places.append(self.countries[country])
        if rng.random() < 0.12 and self.remote:
            places.append(self.remote)
        if rng.random() < 0.05:
            abroad = _weighted(rng, self.markets, self.market_weights)
            city = _weighted(rng, self.cities[abroad], self.city_weights[abroad])
            if city.pk not in places:
                places.append(city.pk)

        first, last = rng.choice(FIRST), rng.choice(LAST)
        agency = self._agency(code, home, last)
        start = rng.randrange(0, len(self.levels) - 1)
        levels = self.levels[start : start + rng.randint(2, 4)]
        languages = list(LANGUAGES.get(country, ["English"]))
        if rng.random() < 0.15:
            extra_language = rng.choice(EXTRA_LANGUAGES)
            if extra_language not in languages:
                languages.append(extra_language)
        specialisms = SPECIALISMS.get(code[:2], ["communication", "Excel", "project management"])
        keywords = rng.sample(specialisms, k=min(len(specialisms), rng.randint(2, 5)))
        slug = _SLUG.sub("-", agency.lower()).strip("-")
        return RecruiterData(
            name=f"{first} {last}",
            agency=agency,
            email=self._email(first, last, slug),
            website=f"https://www.{slug}.example",
            occupation_ids=occupations,
            place_ids=places,
            seniority_levels=levels,
            languages=languages,
            keywords=keywords,
            daily_cap=rng.choice([10, 15, 20, 20, 25, 30, 50]),
            active=rng.random() > 0.03,
        )

    def _agency(self, code: str, home: Any, last: str) -> str:
        rng = self.rng
        field = FIELD_WORDS.get(code[:2], "Talent")
        style = rng.random()
        if style < 0.3:
            return f"{last} & {rng.choice(LAST)} {rng.choice(SUFFIXES)}"
        if style < 0.55:
            return f"{home.name} {field} {rng.choice(SUFFIXES)}"
        if style < 0.8:
            return f"{rng.choice(LAST)} {field} {rng.choice(SUFFIXES)}"
        word = rng.choice(["Bridge", "North", "Summit", "Harbour", "Keystone"])
        return f"{field} {word} {rng.choice(SUFFIXES)}"

    def _email(self, first: str, last: str, slug: str) -> str:
        local = _SLUG.sub(".", f"{first}.{last}".lower()).strip(".")
        email = f"{local}@{slug}.example"
        n = 1
        while email in self._emails:
            n += 1
            email = f"{local}{n}@{slug}.example"
        self._emails.add(email)
        return email
