"""One language per page: every main page, rendered in French, shows none of the site's own
English sentences, and in English none of their French translations.

The sentences come from the French catalogue: each msgid (and msgstr) is cut at its
placeholders and tags, and the pieces of four words or more that differ between the two
languages are what a page in the other language must not show. What people wrote (a
letter, a thread) and names (people, places, the site) are not in the catalogue, so they
cannot trip it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from billing.models import Plan
from profiles.models import Profile, Target
from tests.community.builders import thread_by
from tests.recruiters import builders as b
from tests.recruiters.test_packets import send_to, token_for

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.po"
_WORD = re.compile(r"[^\W\d_]{2}")
_CUT = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{%.*?%\}|<[^>]+>|[“”\"«»():;.!?…]")

VISITOR_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/privacy/",
    "/privacy/data/",
    "/privacy/cookies/",
    "/privacy/promises/",
    "/privacy/subprocessors/",
    "/privacy/transparency/",
    "/terms/",
    "/support/",
    "/community/",
]
SEEKER_PAGES = [
    "/dashboard/",
    "/profile/",
    "/profile/letter/",
    "/profile/letter/preview/",
    "/profile/cv/",
    "/recruiters/matches/",
    "/recruiters/sends/",
    "/billing/",
    "/accounts/settings/",
    "/accounts/sessions/",
    "/email/preferences/",
    "/privacy/my-data/",
    "/privacy/export/",
    "/privacy/delete/",
    "/support/inquiries/",
    "/community/new/",
]


def _pieces(text: str) -> set[str]:
    """Runs of four words or more (numbers, such as a phone number, are no words)."""
    return {
        " ".join(piece.split())
        for piece in _CUT.split(text)
        if sum(1 for word in piece.split() if _WORD.search(word)) >= 4
    }


def _sentences() -> tuple[set[str], set[str]]:
    """(English pieces, French pieces) of every translated entry, minus those alike."""
    english, french = set(), set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        sources = [entry.msgid, entry.msgid_plural]
        english |= {p for text in sources if text for p in _pieces(text)}
        french |= {p for text in translations if text for p in _pieces(text)}
    return english - french, french - english


def _visible_text(page: str) -> str:
    """What a reader sees or hears: the text of <body> and the attributes read aloud."""
    body = page.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    said = re.findall(r'\b(?:placeholder|aria-label|title|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(" ".join([text, *said])).split())


def _world(seeker, other_seeker, language: str) -> dict[str, str]:
    """A seeker with a profile, a CV and a send, and a thread about London. The send is
    made in the page's language: its consent is kept in the words the seeker agreed to."""
    contact = {"city": "London", "country": "GB", "phone": "+442071234567"}
    b.ready_seeker(seeker, contact=contact)
    Profile.objects.filter(user=seeker).update(headline="Contract lawyer")
    alex = b.recruiter(
        name="Alex Carter", occupations=[b.occupation("2611")], places=[b.city("London")]
    )
    with translation.override(language):
        send_to(seeker, alex)
    thread_by(other_seeker, title="Job hunting in Leeds", place=b.city("London"))
    Plan.objects.create(slug="starter", name="Starter", sends=25, price=2500)
    return {"packet": f"/p/{token_for(alex)}/"}


def _pages(seeker, language: str, world) -> dict[str, str]:
    seeker.language = language
    seeker.save(update_fields=["language"])
    visitor = Client(HTTP_ACCEPT_LANGUAGE=language)
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    signed_in = Client(HTTP_ACCEPT_LANGUAGE=language)
    signed_in.force_login(seeker)
    pages = {}
    for client, urls in ((visitor, [*VISITOR_PAGES, world["packet"]]), (signed_in, SEEKER_PAGES)):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = _visible_text(response.content.decode())
    return pages


@pytest.mark.parametrize(("language", "other"), [("fr", 0), ("en", 1)])
def test_every_main_page_speaks_one_language(seeker, other_seeker, language, other):
    world = _world(seeker, other_seeker, language)
    foreign = _sentences()[other]
    assert len(foreign) > 300  # the check has something to find
    found = {
        url: sorted(piece for piece in foreign if piece in text)
        for url, text in _pages(seeker, language, world).items()
    }
    mixed = {url: pieces for url, pieces in found.items() if pieces}
    assert not mixed, "\n".join(f"{url}: {pieces}" for url, pieces in mixed.items())


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Londres, Royaume-Uni", "télétravail"]),
        ("en", ["London, United Kingdom", "remote"]),
    ],
)
def test_places_dates_and_amounts_follow_the_language(seeker, other_seeker, language, words):
    world = _world(seeker, other_seeker, language)
    first = Profile.objects.get(user=seeker).targets.first()
    Target.objects.create(
        profile=first.profile, occupation=first.occupation, title=first.title, place=b.remote()
    )
    pages = _pages(seeker, language, world)
    assert all(word in pages["/profile/"] for word in words), words
    assert words[0] in pages["/community/"] and words[0] in pages[world["packet"]]
    month = {
        "fr": r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
        r"novembre|décembre) 20\d\d",
        "en": r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
        r"November|December) 20\d\d",
    }
    assert re.search(month[language], pages["/recruiters/sends/"])
    assert re.search(month[language], pages["/profile/cv/"])
    money = {"fr": r"\d+,\d\d\s?[£€]", "en": r"[£€]\d+\.\d\d"}
    assert re.search(money[language], pages["/billing/"])
