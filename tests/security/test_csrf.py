"""Every address refuses a POST without the CSRF token, but the few with their own proof.

Generated from the URL resolver: a new view that forgets CSRF protection fails here. The
middleware decides before any view runs, so a placeholder in each parameter will do.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from billing.models import WebhookEvent
from communications.categories import Category, choices_of, unsubscribe_token
from recruiters.models import Answer, Recruiter
from recruiters.packets import opt_out_token

from ..recruiters import builders as rb
from .builders import FACTORIES
from .urlmap import patterns

pytestmark = pytest.mark.django_db

# Posted to without a token, each with its own proof (shown by the tests below).
OWN_PROOF = {
    "billing:webhook": "Stripe's signature",
    "communications:unsubscribe": "RFC 8058 one-click: the signed token",
    "recruiters:opt_out": "RFC 8058 one-click: the signed token",
    "packets:answer": "recruiters have no session: the packet's secret token in the address",
    "recruiters:own_page": "recruiters have no session: the signed token in the address",
    "choose_language": "the CSRF token when signed in, the browser's Origin otherwise",
}


def _address(pattern) -> str | None:
    if not pattern.parameters:
        if pattern.name:
            return reverse(pattern.name)
        return None if "(?P" in pattern.route or "^" in pattern.route else "/" + pattern.route
    for value in ("1", "accounts"):
        try:
            return reverse(pattern.name, kwargs=dict.fromkeys(pattern.parameters, value))
        except NoReverseMatch:
            continue
    return None


def test_every_post_without_a_csrf_token_is_refused(seeker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker)
    client.get("/")  # a CSRF cookie, as a browser has: only the token in the form is missing
    accepted, checked = [], 0
    for pattern in patterns():
        url = _address(pattern) if pattern.name not in OWN_PROOF else None
        if url is None:
            continue
        response = client.post(url, {"anything": "x"})
        checked += 1
        if response.status_code != 403:
            accepted.append(f"{url} ({pattern}): {response.status_code}")
    assert not accepted, "POST without a CSRF token was not refused:\n" + "\n".join(accepted)
    assert checked > 300


def test_the_webhook_refuses_a_bad_signature(client, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    event = {"id": "evt_forged", "type": "checkout.session.completed", "data": {"object": {}}}
    response = client.post(
        "/billing/webhook/",
        json.dumps(event),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1700000000,v1=" + "0" * 64,
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_one_click_unsubscribe_refuses_a_changed_token(seeker):
    client = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(seeker, Category.ANNOUNCEMENTS)
    before = choices_of(seeker)
    changed = f"/email/unsubscribe/{token[:-3]}abc/"
    response = client.post(changed, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    assert choices_of(seeker) == before
    assert client.post(f"/email/unsubscribe/{token}/").status_code == 200


def test_one_click_opt_out_refuses_a_changed_token():
    recruiter = rb.recruiter(occupations=[], places=[])
    client = Client(enforce_csrf_checks=True)
    token = opt_out_token(recruiter.pk)
    response = client.post(f"/recruiters/opt-out/{token[:-3]}abc/")
    assert response.status_code == 404
    assert Recruiter.objects.get(pk=recruiter.pk).opted_out_at is None
    assert client.post(f"/recruiters/opt-out/{token}/").status_code == 200
    assert Recruiter.objects.get(pk=recruiter.pk).opted_out_at is not None


def test_a_packet_answer_needs_the_packets_token(world):
    token = FACTORIES["packets:answer"](world)["token"]
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/p/{token[:-3]}abc/answer/", {"kind": "interested"})
    assert response.status_code == 404
    assert not Answer.objects.exists()
    assert client.post(f"/p/{token}/answer/", {"kind": "interested"}).status_code < 400
    assert Answer.objects.count() == 1


def test_a_recruiters_own_page_refuses_a_changed_token(world):
    token = FACTORIES["recruiters:own_page"](world)["token"]
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/recruiters/me/{token[:-3]}abc/").status_code == 404
    assert client.get(f"/recruiters/me/{token}/").status_code == 200


def test_the_language_chooser_refuses_another_site_and_a_missing_token(seeker):
    client = Client(enforce_csrf_checks=True)
    other_site = client.post(
        "/accounts/language/", {"language": "fr"}, HTTP_ORIGIN="https://evil.example"
    )
    assert other_site.status_code == 403
    client.force_login(seeker)
    client.get("/")
    without_token = client.post(
        "/accounts/language/", {"language": "fr"}, HTTP_ORIGIN="http://testserver"
    )
    assert without_token.status_code == 403
    seeker.refresh_from_db()
    assert seeker.language != "fr"
