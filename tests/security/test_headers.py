"""The security headers the settings promise, on every kind of response.

Pages of the whole URL map (as a visitor and as a seeker), every object page and download
of the access matrix, redirects, the packet page, and the error pages: 400, 403, 404, 405,
410, 500 and the 503 an outside service that is down gets. With the production settings
and HTTPS, HSTS on all of them too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from privacy.models import ExportRequest

from ..privacy.builders import stored
from .builders import FACTORIES, World
from .urlmap import patterns

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "testserver",
    "SITE_URL": "https://testserver",
    "MFA_ENCRYPTION_KEYS": "ZGV2LW9ubHktbWZhLWtleS1ub3QtZm9yLXByb2QhISE=",
}
HSTS_SETTINGS = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
)


def _boom(request):
    raise RuntimeError("a bug")


# The project's URLs and one view that fails, for the 500 page.
urlpatterns = [path("boom/", _boom), *__import__("config.urls").urls.urlpatterns]


def missing_headers(response, *, hsts: str = "") -> list[str]:
    """What the settings promise that the response lacks."""
    expected = {
        "X-Content-Type-Options": {"nosniff"},
        # The packet page keeps even our own address from the recruiter's next site.
        "Referrer-Policy": {django_settings.SECURE_REFERRER_POLICY, "no-referrer"},
        "X-Frame-Options": {django_settings.X_FRAME_OPTIONS},
        "Cross-Origin-Opener-Policy": {django_settings.SECURE_CROSS_ORIGIN_OPENER_POLICY},
    }
    missing = [
        f"{name}: {response.headers.get(name)!r}"
        for name, allowed in expected.items()
        if response.headers.get(name) not in allowed
    ]
    policy = response.headers.get("Content-Security-Policy", "")
    for directive, sources in django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items():
        if f"{directive} {' '.join(sources)}" not in policy:
            missing.append(f"Content-Security-Policy {directive}: {policy!r}")
    if hsts and response.headers.get("Strict-Transport-Security") != hsts:
        missing.append(
            f"Strict-Transport-Security: {response.headers.get('Strict-Transport-Security')!r}"
        )
    return missing


def _responses(world: World, *, secure: bool = False):
    """(what, response) for every kind of response the site gives."""
    visitor, seeker = Client(), Client()
    seeker.force_login(world.seeker)
    staff = Client()
    staff.force_login(world.staff)
    for pattern in patterns():
        if pattern.parameters or not pattern.name or pattern.route.startswith("admin/"):
            continue
        url = reverse(pattern.name)
        yield f"GET {url} as a visitor", visitor.get(url, secure=secure)
        yield f"GET {url} as a seeker", seeker.get(url, secure=secure)
    for name, factory in FACTORIES.items():
        url = reverse(name, kwargs=factory(world))
        client = Client() if name.startswith(("packets:", "account_")) else seeker
        yield f"GET {url}", client.get(url, secure=secure)
    expired = ExportRequest.objects.create(
        person=world.seeker, state="ready", file=stored("exports", b"PK", "zip"),
        expires_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    yield "410", seeker.get(f"/privacy/export/{expired.pk}/download/", secure=secure)
    yield "404", visitor.get("/nowhere/", secure=secure)
    yield "403 (admin)", staff.get("/admin/accounts/user/", secure=secure)
    csrf = Client(enforce_csrf_checks=True)
    yield "403 (CSRF)", csrf.post("/support/", {"subject": "x"}, secure=secure)
    yield "405", visitor.put("/", secure=secure)
    yield "400 (a host not ours)", visitor.get("/", HTTP_HOST="evil.example", secure=secure)
    yield "admin sign-in", visitor.get("/admin/", secure=secure)


@pytest.mark.urls(__name__)
def test_every_kind_of_response_carries_the_security_headers(world, monkeypatch):
    problems = []
    count = 0
    for what, response in _responses(world):
        count += 1
        problems += [f"{what} ({response.status_code}): {m}" for m in missing_headers(response)]
    client = Client(raise_request_exception=False)
    problems += [f"500: {m}" for m in missing_headers(client.get("/boom/"))]
    assert not problems, "\n".join(problems)
    assert count > 100


def test_the_page_for_a_service_that_is_down_carries_them_too(world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(world.seeker)

    def down(self):
        raise ConnectionError("the session store is down")

    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    monkeypatch.setattr(store, "load", down)
    response = client.get("/dashboard/")
    assert response.status_code == 503
    assert missing_headers(response) == []


def _production_settings() -> dict:
    """The security settings as a production start-up computes them (DEBUG off)."""
    code = (
        "import json, config.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {HSTS_SETTINGS!r}}}))"
    )
    env = {**os.environ, **PRODUCTION}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
        cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_over_https_in_production_every_response_has_hsts(world, settings):
    production = _production_settings()
    assert production["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    for name, value in production.items():
        setattr(settings, name, value)
    hsts = f"max-age={production['SECURE_HSTS_SECONDS']}; includeSubDomains; preload"
    problems = []
    for what, response in _responses(world, secure=True):
        problems += [
            f"{what} ({response.status_code}): {m}" for m in missing_headers(response, hsts=hsts)
        ]
    assert not problems, "\n".join(problems)
    # Plain HTTP is sent to HTTPS.
    assert Client().get("/privacy/").status_code == 301
