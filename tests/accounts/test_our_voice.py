"""Account pages in our voice: sentence case, one primary action, nothing said twice."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

pytestmark = pytest.mark.django_db

# Words that keep their capital inside a sentence (the site's name, the named people).
PROPER = {"Job", "Letters", "I", "Sam", "Seeker", "Stella", "Staff"}


class _Labels(HTMLParser):
    """Texts of the page's title, headings and buttons, with each button's classes."""

    WATCHED = {"title", "h1", "h2", "h3", "button", "a"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.found: list[tuple[str, str, str]] = []  # (tag, classes, text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("role") != "button":
            return
        if tag in self.WATCHED:
            self.open.append((tag, {**attributes, "_text": ""}))

    def handle_data(self, data: str) -> None:
        for _tag, attributes in self.open:
            attributes["_text"] += data

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][0] == tag:
            _tag, attributes = self.open.pop()
            text = " ".join(attributes["_text"].split())
            self.found.append((tag, attributes.get("class") or "", text))


def _labels(html: str) -> list[tuple[str, str, str]]:
    parser = _Labels()
    parser.feed(html)
    return parser.found


def _title_case(text: str) -> list[str]:
    """Capitalised words after the first that are not names or acronyms."""
    text = text.split("·")[0]  # "Page · Job Letters"
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    return [w for w in words[1:] if w[0].isupper() and not w.isupper() and w not in PROPER]


def _shouting(html: str) -> list[str]:
    return [f"{tag}: {text}" for tag, _cls, text in _labels(html) if _title_case(text)]


def test_the_title_case_check_finds_allauth_s_words():
    assert _title_case("Sign In") == ["In"]
    assert _title_case("Re-send Verification") == ["Verification"]
    assert _title_case("Log in · Job Letters") == []
    assert _title_case("Your CV and TOTP") == []


@pytest.mark.parametrize(
    "address",
    [
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/done/",
        "/accounts/inactive/",
    ],
)
def test_pages_before_signing_in_speak_in_sentence_case(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert _shouting(response.content.decode()) == []


@pytest.fixture
def signed_in(client, seeker, password):
    """The seeker signed in through the login form (so no password is asked again)."""
    response = client.post("/accounts/login/", {"login": seeker.email, "password": password})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    "address",
    [
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/settings/",
        "/dashboard/",
    ],
)
def test_account_pages_speak_in_sentence_case(signed_in, address):
    response = signed_in.get(address)
    assert response.status_code == 200
    assert _shouting(response.content.decode()) == []


def test_the_login_button_says_log_in_like_the_navigation(client):
    labels = _labels(client.get("/accounts/login/").content.decode())
    assert ("button", "", "Log in") in labels
    assert ("title", "", "Log in · Job Letters") in labels


# --- Email addresses: one primary action, only the actions that apply --------------------


def _buttons(html: str) -> list[tuple[str, str]]:
    return [(text, cls) for tag, cls, text in _labels(html) if tag == "button"]


def test_each_address_offers_only_what_applies_to_it(signed_in, seeker):
    EmailAddress.objects.create(user=seeker, email="work@example.com", verified=True)
    EmailAddress.objects.create(user=seeker, email="new@example.com", verified=False)
    html = signed_in.get("/accounts/email/").content.decode()
    rows = re.findall(r'<li class="email-address">(.*?)</li>', html, re.S)
    by_address = {re.search(r"<strong>(.*?)</strong>", row).group(1): row for row in rows}
    assert next(iter(by_address)) == seeker.email  # the primary address first
    assert set(by_address) == {seeker.email, "work@example.com", "new@example.com"}

    assert _buttons(by_address[seeker.email]) == []  # the primary, confirmed address
    assert [t for t, _c in _buttons(by_address["work@example.com"])] == ["Make primary", "Remove"]
    assert [t for t, _c in _buttons(by_address["new@example.com"])] == [
        "Send the confirmation email again",
        "Remove",
    ]
    assert "Re-send" not in html and "Verification" not in html
    primary = [text for text, cls in _buttons(html) if "secondary" not in cls]
    assert primary == ["Add email address"]  # the navigation's "Log out" is secondary too


def test_the_row_buttons_act_on_their_own_address(signed_in, seeker):
    EmailAddress.objects.create(user=seeker, email="work@example.com", verified=True)
    response = signed_in.post(
        "/accounts/email/", {"email": "work@example.com", "action_primary": ""}
    )
    assert response.status_code == 302
    assert EmailAddress.objects.get_primary(seeker).email == "work@example.com"
    signed_in.post("/accounts/email/", {"email": seeker.email, "action_remove": ""})
    assert not EmailAddress.objects.filter(email=seeker.email).exists()


# --- Recovery codes: separate buttons -------------------------------------------------------


def test_recovery_codes_page_has_separate_buttons(client, staff_with_mfa, password):
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from accounts.mfa import decrypt

    RecoveryCodes.activate(staff_with_mfa)
    client.post("/accounts/login/", {"login": staff_with_mfa.email, "password": password})
    secret = decrypt(Authenticator.objects.get(user=staff_with_mfa, type="totp").data["secret"])
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302

    html = client.get("/accounts/2fa/recovery-codes/").content.decode()
    buttons = [(text, cls) for tag, cls, text in _labels(html) if tag == "a"]
    assert buttons == [("Download codes", ""), ("Generate new codes", "secondary outline")]
    assert re.search(r'<p class="actions">\s*<a [^>]*>Download codes</a>\s*<a ', html)
    assert _shouting(html) == []


# --- The dashboard says who is signed in once -----------------------------------------------


def test_the_dashboard_says_signed_in_as_once(client, seeker, password):
    response = client.post(
        "/accounts/login/", {"login": seeker.email, "password": password}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert html.lower().count("signed in as") == 1


def test_the_two_factor_page_s_actions_say_what_they_do(signed_in):
    html = signed_in.get("/accounts/2fa/").content.decode()
    assert re.search(
        r'href="/accounts/2fa/totp/activate/"[^>]*>\s*Turn on an authenticator app', html
    )
    assert not re.search(r">\s*Activate\s*<", html)
