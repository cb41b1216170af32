"""Guessing is slowed down, but a stranger cannot lock the owner out (accounts/signin.py)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client

from accounts import signin
from tests.utils import run_outbox

pytestmark = pytest.mark.django_db

TOO_MANY = b"Too many wrong passwords"


@pytest.fixture(autouse=True)
def _no_ip_limit(settings):
    # Each test client shares 127.0.0.1; the per-IP limit has its own tests.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key"}
    settings.SIGNIN_FREE_FAILURES = 5


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _guess(email: str, times: int) -> list[bytes]:
    """A stranger's browser trying wrong passwords."""
    stranger = Client()
    return [_login(stranger, email, f"wrong-guess-{n}").content for n in range(times)]


def _account_gate(email: str) -> str:
    return "signin:account:" + hashlib.sha256(email.encode()).hexdigest() + ":gate"


def test_a_guesser_gets_five_free_tries_then_must_wait(seeker):
    pages = _guess(seeker.email, 8)

    assert all(TOO_MANY not in page for page in pages[:6])  # 5 free, the 6th opens a wait
    assert all(TOO_MANY in page for page in pages[6:])
    assert b"sign in with a code we email you" in pages[7]


def test_while_waiting_even_the_right_password_is_not_tried_from_a_new_browser(seeker, password):
    _guess(seeker.email, 7)

    response = _login(Client(), seeker.email, password)

    assert TOO_MANY in response.content


def test_the_wait_is_a_backoff_not_a_block(seeker, password, settings):
    _guess(seeker.email, 7)
    cache.delete(_account_gate(seeker.email))  # the first wait is over

    # One more try is allowed, then the next wait begins (and it is longer).
    stranger = Client()
    assert TOO_MANY not in _login(stranger, seeker.email, "another-guess").content
    assert TOO_MANY in _login(stranger, seeker.email, "and-another").content
    cache.delete(_account_gate(seeker.email))
    owner = Client()
    _login(owner, seeker.email, password)
    assert _signed_in(owner)


def test_the_waits_double_up_to_a_maximum(settings):
    settings.SIGNIN_BACKOFF_BASE_SECONDS, settings.SIGNIN_BACKOFF_MAX_SECONDS = 30, 900
    waits = [signin.backoff_seconds(n) for n in range(1, 14)]

    assert waits == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]


def test_the_owner_signs_in_from_their_own_browser_whatever_strangers_tried(seeker, password):
    owner = Client()
    _login(owner, seeker.email, password)
    assert owner.cookies[signin.COOKIE_NAME]["httponly"]
    owner.post("/accounts/logout/")

    _guess(seeker.email, 25)  # (the per-IP limit of all sign-ins is 30 a minute)
    _login(owner, seeker.email, password)

    assert _signed_in(owner)


def test_the_owner_s_own_typos_count_in_their_own_bucket(seeker, password):
    owner = Client()
    _login(owner, seeker.email, password)
    owner.post("/accounts/logout/")
    _guess(seeker.email, 10)

    typos = [_login(owner, seeker.email, "typo-typo").content for _ in range(5)]
    _login(owner, seeker.email, password)

    assert all(TOO_MANY not in page for page in typos)
    assert _signed_in(owner)


def test_a_guesser_with_a_stolen_device_cookie_still_backs_off(seeker, password):
    owner = Client()
    _login(owner, seeker.email, password)
    thief = Client()
    thief.cookies[signin.COOKIE_NAME] = owner.cookies[signin.COOKIE_NAME].value

    pages = [_login(thief, seeker.email, f"guess-{n}").content for n in range(8)]

    assert TOO_MANY in pages[-1]
    assert b"from this browser" in pages[-1]


def test_a_forged_or_foreign_device_cookie_counts_for_nothing(seeker, other_seeker, password):
    _guess(seeker.email, 7)
    forged = Client()
    forged.cookies[signin.COOKIE_NAME] = signing.dumps(
        {"d": "x", "u": [seeker.pk]}, salt="someone-else"
    )
    other_device = Client()
    _login(other_device, other_seeker.email, password)  # knows other_seeker only
    other_device.post("/accounts/logout/")

    assert TOO_MANY in _login(forged, seeker.email, password).content
    assert TOO_MANY in _login(other_device, seeker.email, password).content


def test_the_owner_on_a_new_browser_signs_in_with_an_emailed_code(seeker):
    _guess(seeker.email, 30)
    owner = Client()
    assert b"/accounts/login/code/" in owner.get("/accounts/login/").content

    response = owner.post("/accounts/login/code/", {"email": seeker.email})
    assert response.status_code == 302
    run_outbox()
    (message,) = [m for m in mail.outbox if m.to == [seeker.email]]
    code = re.search(r"^\s*([A-Z0-9]{6}|[A-Z0-9-]{6,})\s*$", message.body, re.M).group(1)
    owner.post(response["Location"], {"code": code})

    assert _signed_in(owner)
    assert signin.COOKIE_NAME in owner.cookies  # and from now on this browser is known


def test_the_answers_are_the_same_for_an_address_without_an_account(db):
    pages = _guess("nobody@example.com", 8)

    assert all(TOO_MANY not in page for page in pages[:6])
    assert TOO_MANY in pages[7]


def test_a_correct_password_resets_the_count(seeker, password):
    owner = Client()
    for _ in range(4):
        _login(owner, seeker.email, "wrong-wrong")
    _login(owner, seeker.email, password)
    owner.post("/accounts/logout/")
    stranger_pages = _guess(seeker.email, 6)

    assert all(TOO_MANY not in page for page in stranger_pages)
