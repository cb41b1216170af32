"""Password rules, silent resets for unknown addresses, deploy checks, private pages not cached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.checks import check_mfa_encryption_keys
from accounts.models import User
from accounts.validators import NoSiteNameOrEmailValidator
from jobletters import checks
from tests.utils import run_outbox

pytestmark = pytest.mark.django_db

GOOD = "quiet-orchard-lantern-42"


# --- Passwords --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "jobletters",
        "JobLetters2026!",
        "my job letters password",
        "j0bl3tt3rs-rock",
        "JOB-LETTERS-x9",
    ],
)
def test_the_site_name_is_refused_in_any_spelling(password):
    with pytest.raises(ValidationError, match="name of this site"):
        NoSiteNameOrEmailValidator().validate(password, User(email="amy@example.org"))


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("sam.seeker@example.com", "seeker-and-more-words"),
        ("sam.seeker@example.com", "samseeker2026!!"),
        ("sam.seeker@example.com", "Ex4mple-horse-battery"),
        ("priya@northwind-law.co.uk", "northwind-forever-1"),
        ("priya@northwind-law.co.uk", "PRIYA-staple-horse"),
    ],
)
def test_words_of_the_person_s_own_email_are_refused(email, password):
    with pytest.raises(ValidationError, match="parts of your email address"):
        NoSiteNameOrEmailValidator().validate(password, User(email=email))


def test_ordinary_passwords_pass_and_short_or_generic_email_parts_do_not_count():
    validator = NoSiteNameOrEmailValidator()
    validator.validate(GOOD, User(email="sam.seeker@example.com"))
    # "sam" is too short to be telling; "mail" and "co" are everyone's.
    validator.validate("samba-mailbox-cobalt-7", User(email="sam@mail.co.uk"))
    validator.validate(GOOD)  # no user known yet
    assert "name of this site" in validator.get_help_text()


def test_the_rule_is_part_of_the_configured_validators():
    with pytest.raises(ValidationError):
        validate_password("jobletters-forever", User(email="x@example.com"))


def test_signup_refuses_a_password_made_of_the_email_address(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "marguerite@example.com",
            "password1": "Marguerite-2026!",
            "password2": "Marguerite-2026!",
        },
    )

    assert response.status_code == 200
    assert b"must not contain parts of your email address" in response.content
    assert not User.objects.filter(email="marguerite@example.com").exists()


def test_changing_to_the_site_name_is_refused(seeker_client, seeker, password):
    response = seeker_client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "JobLetters!2026", "password2": "JobLetters!2026"},
    )

    assert response.status_code == 200
    assert b"must not contain the name of this site" in response.content
    seeker.refresh_from_db()
    assert seeker.check_password(password)


# --- Password reset for an address without an account -------------------------------------


def test_a_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(client, seeker):
    pages = []
    for email in ("nobody@example.com", seeker.email):
        response = client.post("/accounts/password/reset/", {"email": email}, follow=True)
        pages.append((response.redirect_chain, response.content))
    run_outbox()

    assert pages[0] == pages[1]
    assert [m.to for m in mail.outbox] == [[seeker.email]]


# --- Deploy checks --------------------------------------------------------------------------


def _ids(found) -> set[str]:
    return {error.id for error in found}


def test_a_wildcard_host_fails_the_deploy_check_with_debug_off(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://jobletters.example"
    settings.ALLOWED_HOSTS = ["jobletters.example", "*"]

    assert _ids(checks.check_production_addresses()) == {"jobletters.E001"}


@pytest.mark.parametrize(
    "site_url", ["http://jobletters.example", "jobletters.example", "https://"]
)
def test_a_site_address_that_is_not_https_fails_the_deploy_check(settings, site_url):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["jobletters.example"]
    settings.SITE_URL = site_url

    assert _ids(checks.check_production_addresses()) == {"jobletters.E002"}


def test_development_settings_pass(settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "http://127.0.0.1:8000"

    assert checks.check_production_addresses() == []
    assert check_mfa_encryption_keys() == []


def test_manage_py_check_deploy_fails_on_them_and_on_a_missing_mfa_key():
    root = Path(__file__).resolve().parents[2]
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "x3-" + "k" * 60 + "-production-like-secret",
        "ALLOWED_HOSTS": "*",
        "SITE_URL": "http://jobletters.example",
        "MFA_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWtleS1mb3ItdGhlLXRlc3Q=",
    }

    def manage(env):
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"],
            cwd=root,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    checked = manage(production)
    missing_key = manage({**production, "MFA_ENCRYPTION_KEYS": ""})

    assert checked.returncode != 0
    assert "jobletters.E001" in checked.stderr and "jobletters.E002" in checked.stderr
    assert missing_key.returncode != 0
    assert "MFA_ENCRYPTION_KEYS must be set when DEBUG is off" in missing_key.stderr


# --- Private pages are never cached --------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/accounts/settings/", "/billing/", "/accounts/email/", "/profile/"]
)
def test_signed_in_pages_are_private_and_not_stored(seeker_client, url):
    response = seeker_client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_redirect_for_a_signed_in_person_is_not_stored_either(seeker_client):
    response = seeker_client.get("/")  # the landing page sends them to the dashboard

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"


def test_views_that_set_their_own_rules_keep_them(seeker_client, client, db):
    anonymous_landing = client.get("/")
    billing_success = seeker_client.get("/billing/success/?session_id=cs_nope")

    assert "public" in anonymous_landing["Cache-Control"]
    assert "no-store" in billing_success["Cache-Control"]  # never_cache, kept as it is


def test_anonymous_pages_get_no_private_header(client, db):
    response = client.get("/support/")
    assert response.status_code == 200
    assert not response.has_header("Cache-Control")
    shared = client.get("/privacy/")  # the same for every visitor: anyone may keep it
    assert shared["Cache-Control"] == "public, max-age=300"
