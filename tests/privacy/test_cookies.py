"""§2.9: the table of every cookie, held to what the site's responses really set."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.html import escape

from privacy.consent import record_consent
from privacy.cookies import COOKIES
from privacy.models import Consent
from taxonomy.models import Place
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

DECLARED = {cookie.name: cookie for cookie in COOKIES}


def test_the_cookie_page_lists_every_cookie_with_its_purpose_and_lifetime(client):
    page = client.get("/privacy/cookies/").content.decode()
    for cookie in COOKIES:
        assert f"<code>{cookie.name}</code>" in page
        assert escape(str(cookie.purpose)) in page
        assert escape(str(cookie.lifetime_words)) in page


def _pages_without_parameters(resolver=None, prefix: str = ""):
    """Every address in the URL map that needs no parameter, outside the admin."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin"):
                yield from _pages_without_parameters(pattern, route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "^" not in route:
            yield "/" + route


def _collect(response, seen: dict) -> None:
    for name, morsel in SimpleCookie(response.cookies.output(header="")).items():
        seen.setdefault(name, []).append(morsel)


def test_the_table_is_exactly_the_cookies_responses_set_with_their_lifetimes(seeker):
    """Every page without parameters, visited signed out and signed in, and what people
    do (sign up, sign in, a wrong password, a message, the language menu, the community's
    place filter, sign out): each cookie set is in the table, for no longer than it says,
    and each cookie in the table is set by some response."""
    london = Place.objects.filter(kind="city", name="London").first()
    pages = sorted(set(_pages_without_parameters()))
    assert "/privacy/cookies/" in pages and "/community/" in pages
    visitor, person = Client(), Client()
    seen: dict[str, list] = {}
    steps = [
        *(lambda path=path: visitor.get(path) for path in pages),
        lambda: visitor.post(
            "/accounts/signup/",
            {
                "email": "new.person@example.com",
                "password1": "Zq9!mountain-river",
                "password2": "Zq9!mountain-river",
            },
        ),
        lambda: visitor.post(
            "/accounts/language/", {"language": "fr"}, HTTP_ORIGIN="http://testserver"
        ),
        lambda: person.post("/accounts/login/", {"login": seeker.email, "password": "wrong"}),
        lambda: person.post(
            "/accounts/login/", {"login": seeker.email, "password": DEFAULT_PASSWORD}
        ),
        *(lambda path=path: person.get(path) for path in pages if path != "/accounts/logout/"),
        lambda: person.get(f"/community/?place={london.pk}"),
        lambda: person.post("/accounts/settings/", {"name": "Sam Seeker"}),
        lambda: person.get("/accounts/settings/"),
        lambda: person.post("/accounts/logout/"),
    ]
    for step in steps:
        _collect(step(), seen)
    assert set(seen) - set(DECLARED) == set(), "set by a response but not in privacy.cookies"
    assert set(DECLARED) - set(seen) == set(), "in privacy.cookies but set by no response"
    for name, morsels in seen.items():
        declared = DECLARED[name].max_age
        for morsel in morsels:
            if morsel.value == "" or morsel["max-age"] == "0":
                continue  # a deletion
            # Never kept longer than the table says (a browser-session cookie is shorter).
            actual = int(morsel["max-age"]) if morsel["max-age"] else None
            if declared is None:
                assert actual is None, name
            else:
                assert actual is None or actual <= declared, name
                if name != settings.SESSION_COOKIE_NAME:  # "remember me" decides that one
                    assert actual == declared, name


def test_cookie_choices_made_before_stay_in_the_persons_data(seeker, seeker_client):
    """The ledger keeps the choices people made when the site still asked (they are no
    longer asked): "my data" and the export show them."""
    record_consent(
        person=seeker,
        purpose=Consent.Purpose.COOKIES_PREFERENCES,
        granted=True,
        text="Preferences: remember the place you follow in the community.",
        reference="cookie-banner",
    )
    my_data = seeker_client.get("/privacy/my-data/").content.decode()
    assert "Preference cookies" in my_data and "remember the place you follow" in my_data
