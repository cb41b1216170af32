"""§2.9 and §6: the cookie banner, the choice, the ledger, and the table of every cookie."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from community.cookies import PLACE_COOKIE
from privacy import cookies
from privacy.cookies import CHOICE_COOKIE, Category, Choice
from privacy.models import Consent
from taxonomy.models import Place
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

BANNER = b'id="cookie-banner"'


def _london() -> Place:
    return Place.objects.filter(kind="city", name="London").order_by("-population").first()


def _choose(client: Client, choice: str, **extra) -> object:
    return client.post("/privacy/cookies/", {"choice": choice, "next": "/community/", **extra})


# --- The banner ---------------------------------------------------------------------------


def test_the_banner_shows_on_every_page_until_a_choice_is_made(client):
    for path in ("/", "/privacy/", "/privacy/data/", "/community/", "/accounts/login/"):
        assert BANNER in client.get(path).content, path
    response = _choose(client, "necessary")
    assert response.status_code == 302 and response["Location"] == "/community/"
    for path in ("/", "/privacy/", "/privacy/data/", "/community/", "/accounts/login/"):
        assert BANNER not in client.get(path).content, path


def test_the_banner_works_without_javascript_and_without_a_session(client):
    page = client.get("/").content.decode()
    assert 'action="/privacy/cookies/"' in page and 'method="post"' in page
    assert "csrfmiddlewaretoken" not in page  # a cached page for everyone: no token, no cookie
    response = _choose(client, "all")
    assert response.cookies[CHOICE_COOKIE].value == "v1.preferences.analytics"
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_landing_page_is_still_cached_for_each_choice(client):
    first = client.get("/")
    assert BANNER in first.content and "public" in first["Cache-Control"]
    chosen = Client()
    chosen.cookies[CHOICE_COOKIE] = "v1"
    second = chosen.get("/")
    assert BANNER not in second.content and "public" in second["Cache-Control"]
    assert BANNER in client.get("/").content  # the copy with the banner is still there


def test_each_button_saves_its_choice(client):
    assert _choose(client, "all").cookies[CHOICE_COOKIE].value == "v1.preferences.analytics"
    assert _choose(client, "necessary").cookies[CHOICE_COOKIE].value == "v1"
    saved = _choose(client, "save", preferences="on")
    assert saved.cookies[CHOICE_COOKIE].value == "v1.preferences"
    morsel = saved.cookies[CHOICE_COOKIE]
    assert int(morsel["max-age"]) == cookies.CHOICE_MAX_AGE and morsel["samesite"] == "Lax"


def test_a_choice_without_a_button_is_a_400_with_a_message(client):
    response = client.post(
        "/privacy/cookies/", {"choice": "everything"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and response.json()["saved"] is False
    assert CHOICE_COOKIE not in response.cookies


def test_the_script_gets_json_and_the_cookie(client):
    response = client.post(
        "/privacy/cookies/", {"choice": "necessary"}, HTTP_ACCEPT="application/json"
    )
    assert response.json()["saved"] is True
    assert response.cookies[CHOICE_COOKIE].value == "v1"


def test_another_site_cannot_choose_for_a_visitor(client):
    response = client.post(
        "/privacy/cookies/", {"choice": "all"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403 and CHOICE_COOKIE not in response.cookies
    response = client.post(
        "/privacy/cookies/",
        {"choice": "all"},
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_REFERER="https://evil.example/page",
    )
    assert response.status_code == 403
    same = client.post("/privacy/cookies/", {"choice": "all"}, HTTP_ORIGIN="http://testserver")
    assert same.status_code == 302 and CHOICE_COOKIE in same.cookies


def test_a_signed_in_choice_needs_the_csrf_token(seeker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker)
    response = client.post("/privacy/cookies/", {"choice": "all"})
    assert response.status_code == 403
    assert not Consent.objects.filter(person=seeker).exists()
    page = client.get("/privacy/cookies/")
    token = page.context["csrf_token"]
    response = client.post(
        "/privacy/cookies/", {"choice": "all", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302


def test_a_bad_next_address_goes_to_the_cookie_page(client):
    response = client.post("/privacy/cookies/", {"choice": "all", "next": "https://evil.example/"})
    assert response["Location"] == "/privacy/cookies/"


# --- The consent ledger -------------------------------------------------------------------


def test_a_signed_in_persons_choice_goes_to_the_ledger_with_the_words_shown(seeker, seeker_client):
    _choose(seeker_client, "save", preferences="on")
    rows = {c.purpose: c for c in Consent.objects.filter(person=seeker)}
    assert rows["cookies_preferences"].granted is True
    assert rows["cookies_analytics"].granted is False
    assert str(Category.PREFERENCES.description) in rows["cookies_preferences"].text
    assert rows["cookies_preferences"].policy_version is not None

    _choose(seeker_client, "necessary")  # a withdrawal is a new row; the newest counts
    assert cookies.ledger_choice(seeker) == Choice(made=True, preferences=False, analytics=False)
    assert Consent.objects.filter(person=seeker, purpose="cookies_preferences").count() == 2


def test_the_ledger_choice_follows_the_person_to_a_new_browser(seeker, seeker_client):
    _choose(seeker_client, "all")
    browser = Client()
    response = browser.post(
        "/accounts/login/", {"login": seeker.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[CHOICE_COOKIE].value == "v1.preferences.analytics"
    assert BANNER not in browser.get("/community/").content


def test_a_choice_made_before_signing_in_is_recorded_at_sign_in(seeker):
    browser = Client()
    _choose(browser, "save", analytics="on")
    assert not Consent.objects.filter(person=seeker).exists()
    browser.post("/accounts/login/", {"login": seeker.email, "password": DEFAULT_PASSWORD})
    assert cookies.ledger_choice(seeker) == Choice(made=True, preferences=False, analytics=True)
    row = Consent.objects.filter(person=seeker, purpose="cookies_analytics").get()
    assert "before signing in" in row.text


# --- Preference cookies only with consent ---------------------------------------------------


def test_no_preference_cookie_before_consent_and_one_after(client):
    london = _london()
    response = client.get(f"/community/?place={london.pk}")
    assert response.status_code == 200 and PLACE_COOKIE not in response.cookies

    _choose(client, "necessary")
    assert PLACE_COOKIE not in client.get(f"/community/?place={london.pk}").cookies

    _choose(client, "all")
    response = client.get(f"/community/?place={london.pk}")
    assert response.cookies[PLACE_COOKIE].value == str(london.pk)
    # The list opens on the remembered place.
    assert client.get("/community/").context["place"] == london


def test_withdrawing_preferences_removes_their_cookie(client):
    london = _london()
    _choose(client, "all")
    client.get(f"/community/?place={london.pk}")
    response = _choose(client, "necessary")
    assert response.cookies[PLACE_COOKIE].value == ""
    assert int(response.cookies[PLACE_COOKIE]["max-age"]) == 0
    assert client.get("/community/").context["place"] is None


# --- One declaration, the table, and the cookies really set -----------------------------------


def test_the_cookie_page_lists_every_declared_cookie_with_purpose_and_lifetime(client):
    page = client.get("/privacy/cookies/").content.decode()
    for declaration in cookies.declared_cookies():
        assert f"<code>{declaration.name}</code>" in page
        assert escape(str(declaration.purpose)) in page
        assert escape(str(declaration.lifetime_words)) in page
    for name in ("sessionid", "csrftoken", "messages", "jl_device", CHOICE_COOKIE, PLACE_COOKIE):
        assert cookies.declaration_of(name) is not None, name
    assert cookies.declaration_of("jl_device").category is Category.NECESSARY
    assert cookies.declaration_of(PLACE_COOKIE).category is Category.PREFERENCES


def _collect(response, seen: dict) -> None:
    for name, morsel in SimpleCookie(response.cookies.output(header="")).items():
        seen.setdefault(name, []).append(morsel)


def test_every_cookie_the_site_sets_is_declared_with_its_lifetime(seeker, settings):
    """Walk through what people do (sign up, sign in, messages, choices, the community,
    sign out) and hold every Set-Cookie to its declaration."""
    client = Client()
    seen: dict[str, list] = {}
    london = _london()
    steps = [
        lambda: client.get("/"),
        lambda: client.get("/accounts/signup/"),
        lambda: client.post(
            "/accounts/signup/",
            {
                "email": "new.person@example.com",
                "password1": "Zq9!mountain-river",
                "password2": "Zq9!mountain-river",
            },
        ),
        lambda: client.get("/accounts/login/"),
        lambda: client.post("/accounts/login/", {"login": seeker.email, "password": "wrong"}),
        lambda: client.post(
            "/accounts/login/", {"login": seeker.email, "password": DEFAULT_PASSWORD}
        ),
        lambda: client.get("/dashboard/"),
        lambda: client.post("/privacy/cookies/", {"choice": "all", "next": "/community/"}),
        lambda: client.get("/community/"),
        lambda: client.get(f"/community/?place={london.pk}"),
        lambda: client.post("/accounts/settings/", {"name": "Sam Seeker"}),
        lambda: client.get("/accounts/settings/"),
        lambda: client.post("/accounts/logout/"),
    ]
    for step in steps:
        _collect(step(), seen)
    assert {"sessionid", "csrftoken", "messages", "jl_device", CHOICE_COOKIE, PLACE_COOKIE} <= set(
        seen
    )
    for name, morsels in seen.items():
        declaration = cookies.declaration_of(name)
        assert declaration is not None, f"{name} is set but not declared in privacy.cookies"
        for morsel in morsels:
            if morsel.value == "" or morsel["max-age"] == "0":
                continue  # a deletion
            # Never kept longer than the table says (a browser-session cookie is shorter).
            actual = int(morsel["max-age"]) if morsel["max-age"] else None
            if declaration.max_age is None:
                assert actual is None, name
            else:
                assert actual is None or actual <= declaration.max_age, name
                if name != settings.SESSION_COOKIE_NAME:  # "remember me" decides that one
                    assert actual == declaration.max_age, name


def test_only_necessary_cookies_are_set_before_a_choice(seeker):
    client = Client()
    london = _london()
    seen: dict[str, list] = {}
    for response in (
        client.get("/"),
        client.get(f"/community/?place={london.pk}"),
        client.post("/accounts/login/", {"login": seeker.email, "password": DEFAULT_PASSWORD}),
        client.get(f"/community/?place={london.pk}"),
        client.get("/dashboard/"),
    ):
        _collect(response, seen)
    assert seen, "signing in sets cookies"
    for name in seen:
        assert cookies.declaration_of(name).category is Category.NECESSARY, name
