"""§8 one-click unsubscribe (RFC 8058): GET asks, POST does it, with nothing but the link.

A mail client posts ``List-Unsubscribe=One-Click`` to the URL without cookies or a
CSRF token, and does not follow redirects: the answer is a 200 at once. Mail
scanners fetch links (GET), so a GET never unsubscribes.
"""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communications import categories
from communications.categories import UNSUBSCRIBE_SALT, Category
from privacy.models import Consent

from . import builders as b

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def _path(user, category=Category.ANNOUNCEMENTS) -> str:
    return f"/email/unsubscribe/{categories.unsubscribe_token(user, category)}/"


def _one_click(path: str):
    """What a mail client does: a bare POST, no cookies, CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    return client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_s8_a_cookieless_one_click_post_unsubscribes_at_once(seeker):
    response = _one_click(_path(seeker))

    assert response.status_code == 200  # answered, never redirected
    assert not response.cookies.get("sessionid")
    assert "no more service announcements" in response.content.decode()
    assert not categories.may_receive(seeker, Category.ANNOUNCEMENTS)
    [row] = Consent.objects.filter(person=seeker)
    assert row.purpose == "email_announcements" and row.granted is False
    assert "Unsubscribe from service announcements" in row.text
    assert row.reference == "email-unsubscribe-link"
    assert row.policy_version is not None


def test_s8_posting_again_changes_nothing(seeker):
    path = _path(seeker)
    assert _one_click(path).status_code == 200
    assert _one_click(path).status_code == 200
    assert Consent.objects.filter(person=seeker).count() == 1


def test_s8_unsubscribing_from_one_category_leaves_the_other(seeker):
    b.choose(seeker, Category.MARKETING, True)
    _one_click(_path(seeker, Category.MARKETING))
    assert categories.choices_of(seeker) == {
        Category.ANNOUNCEMENTS: True,
        Category.MARKETING: False,
    }


def test_s8_get_shows_a_confirmation_and_changes_nothing(seeker):
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_path(seeker))
    html = response.content.decode()
    assert response.status_code == 200
    assert _writes(queries) == []
    form = re.search(r'<form method="post" action="">(.*?)</form>', html, re.DOTALL)
    assert form and "csrfmiddlewaretoken" not in form.group(1)
    assert "s•••@example.com" in html and seeker.email not in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert categories.may_receive(seeker, Category.ANNOUNCEMENTS)
    assert not Consent.objects.exists()
    assert len(queries) <= 2  # the person and their current choice


def test_s8_the_confirmation_says_when_it_is_already_done(seeker):
    b.choose(seeker, Category.ANNOUNCEMENTS, False)
    html = Client().get(_path(seeker)).content.decode()
    assert "already receives no service announcements" in html
    assert '<form method="post" action="">' not in html


def test_s8_the_form_on_the_page_posts_without_a_session(seeker):
    """The confirm button works from a browser with no cookies too."""
    client = Client(enforce_csrf_checks=True)
    path = _path(seeker)
    client.get(path)
    response = client.post(path)
    assert response.status_code == 200
    assert not categories.may_receive(seeker, Category.ANNOUNCEMENTS)


def test_s8_a_signed_in_person_can_use_the_link_too(seeker, seeker_client):
    response = seeker_client.post(_path(seeker))
    assert response.status_code == 200
    assert not categories.may_receive(seeker, Category.ANNOUNCEMENTS)


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "",
        "WzEsImFubm91bmNlbWVudHMiLDFd:forged:signature",
        "a" * 500,
        "%00%ff",
    ],
)
def test_s8_a_made_up_link_is_refused_clearly(seeker, token):
    for method in ("get", "post"):
        path = f"/email/unsubscribe/{token}/" if token else "/email/unsubscribe/x/"
        response = getattr(Client(enforce_csrf_checks=True), method)(path)
        assert response.status_code == 404
        assert "We do not recognise this unsubscribe link" in response.content.decode()
    assert not Consent.objects.exists()


def test_s8_a_token_cannot_be_moved_to_another_category(seeker):
    token = categories.unsubscribe_token(seeker, Category.ANNOUNCEMENTS)
    _, signature = token.rsplit(":", 1)
    # The same signature on the same person with the other category.
    payload = signing.b64_encode(
        f'[{seeker.pk},"marketing",{int(seeker.date_joined.timestamp())}]'.encode()
    ).decode()
    response = _one_click(f"/email/unsubscribe/{payload}:{signature}/")
    assert response.status_code == 404
    assert not Consent.objects.exists()


def test_s8_a_token_cannot_be_moved_to_another_person(seeker, other_seeker):
    token = categories.unsubscribe_token(seeker, Category.ANNOUNCEMENTS)
    _, signature = token.rsplit(":", 1)
    joined = int(other_seeker.date_joined.timestamp())
    payload = signing.b64_encode(f'[{other_seeker.pk},"announcements",{joined}]'.encode())
    response = _one_click(f"/email/unsubscribe/{payload.decode()}:{signature}/")
    assert response.status_code == 404
    assert not Consent.objects.exists()


def test_s8_a_token_signed_with_another_salt_or_key_is_refused(seeker, settings):
    value = [seeker.pk, "announcements", int(seeker.date_joined.timestamp())]
    other_salt = signing.Signer(salt="recruiters.opt-out").sign_object(value)
    other_key = signing.Signer(key="another-key-" + "x" * 40, salt=UNSUBSCRIBE_SALT).sign_object(
        value
    )
    for token in (other_salt, other_key):
        assert _one_click(f"/email/unsubscribe/{token}/").status_code == 404
    assert not Consent.objects.exists()


def test_s8_account_emails_have_no_unsubscribe_token(seeker):
    with pytest.raises(ValueError):
        categories.unsubscribe_token(seeker, Category.TRANSACTIONAL)
    forged = signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        [seeker.pk, "transactional", int(seeker.date_joined.timestamp())]
    )
    assert _one_click(f"/email/unsubscribe/{forged}/").status_code == 404


def test_s8_a_link_names_the_account_not_just_its_number(seeker):
    """An id handed out again (an account erased, a database restored) is another person:
    the token carries the moment the account was made."""
    joined = int(seeker.date_joined.timestamp())
    other_account = signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        [seeker.pk, "announcements", joined - 3600]
    )
    assert _one_click(f"/email/unsubscribe/{other_account}/").status_code == 404
    path = _path(seeker)
    seeker.delete()
    assert _one_click(path).status_code == 404
