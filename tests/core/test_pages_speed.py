"""Pages read without writing, in a fixed number of queries whatever the data size.

The speed itself is measured by bench/pages.py (against a minimal view, in one
run); these tests hold what makes it: no INSERT/UPDATE/DELETE on a GET of any
page the benchmark measures, query counts that do not grow with the data (the
list pages too: CVs, sends, inquiries, threads, comments, sessions), the country
list rendered without a template per option, and the landing page cacheable for
anonymous visitors.
"""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing.ledger import grant_complimentary_sends
from billing.models import BillingAccount
from jobletters import demo
from jobletters.dashboard import providers
from profiles.models import CV, ContactDetails, Profile


def _bench_pages(*, signed_in: bool = True) -> list[str]:
    """The pages bench/pages.py measures (signed in, or not): each reads without writing."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "pages.py"
    spec = importlib.util.spec_from_file_location("bench_pages", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_pages", module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return [page.path for page in module.PAGES if page.signed_in == signed_in]


# Every main page a signed-in seeker reads (the account pages are allauth's), and
# every page the benchmark measures; "/community/thread/" stands for the first thread.
MAIN_PAGES = [
    "/",
    "/dashboard/",
    "/profile/",
    "/profile/letter/",
    "/profile/letter/preview/",
    "/profile/cv/",
    "/billing/",
    "/privacy/",
    "/privacy/data/",
    "/accounts/settings/",
    "/accounts/sessions/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
]
MAIN_PAGES += [path for path in _bench_pages() if path not in MAIN_PAGES]
MAIN_PAGES += ["/community/thread/"]

# Most queries each page may run, whatever the amount of data behind it. Two of
# them are the session and the user, on every signed-in page; the dashboard adds
# at most one per panel.
MAX_QUERIES = {
    "/dashboard/": 2 + len(providers),
    "/profile/": 5,
    "/profile/letter/": 3,
    "/profile/letter/preview/": 6,
    "/billing/": 8,
    "/privacy/": 3,
    "/privacy/data/": 2,
    "/accounts/settings/": 5,
    # The list pages: one query for the rows, whatever their number.
    "/profile/cv/": 3,
    "/recruiters/sends/": 3,
    "/support/inquiries/": 3,
    "/community/": 4,
    "/community/thread/": 5,
    "/accounts/sessions/": 4,
    # The consent screen: the profile and its targets read once for matching and packet.
    "/recruiters/send/?top=5": 12,
}

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(queries: CaptureQueriesContext) -> list[str]:
    sql = (q["sql"].lstrip().upper() for q in queries.captured_queries)
    return [s for s in sql if s.startswith(WRITES)]


@pytest.fixture
def realistic_seeker(seeker, staff):
    """The seeker with what every app's demo data gives (profile, letter, CV, sends…)."""
    demo.load_all(seeker=seeker, staff=staff, stdout=io.StringIO())
    assert Profile.objects.filter(user=seeker).exists()
    return seeker


def _more_data(seeker, staff) -> None:
    """More of everything a page lists: grants, CVs (copies of the first), inquiries,
    threads and comments, sign-in sessions."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.backends.db import SessionStore

    from community import services as community
    from community.models import Thread
    from support.services import submit_inquiry

    for n in range(20):
        grant_complimentary_sends(user=seeker, sends=1, staff=staff, reason=f"Grant {n}")
    for n in range(6):
        submit_inquiry(person=seeker, subject=f"Question {n}", body="How do sends work?")
        community.start_thread(author=seeker, title=f"Moving to Leeds {n}", body="Advice?")
    thread = Thread.objects.order_by("pk").first()
    for n in range(6):
        community.add_comment(author=staff if n % 2 else seeker, thread=thread, body=f"Tip {n}")
    for n in range(4):
        store = SessionStore()
        store.create()
        UserSession.objects.create(
            user=seeker, session_key=store.session_key, ip=f"192.0.2.{n}", user_agent="Firefox"
        )
    first = CV.objects.filter(owner=seeker).first()
    for _ in range(4):
        first.pk = None
        first.is_current = False
        try:
            with transaction.atomic():
                first.save()
        except IntegrityError:
            break  # the CV limit or a uniqueness rule: enough copies


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/dashboard/")  # the first request of a session records it
    return client


def _url(path: str) -> str:
    if path == "/community/thread/":
        from community.models import Thread

        return f"/community/{Thread.objects.order_by('pk').values_list('pk', flat=True)[0]}/"
    return path


# Each test below reads every page in one world: demo data costs more than the pages.
def test_reading_a_page_writes_nothing(realistic_seeker):
    client = _signed_in(realistic_seeker)
    problems = []
    for path in MAIN_PAGES:
        url = _url(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code not in (200, 302) or _writes(queries):
            problems.append(f"{path}: {response.status_code} {_writes(queries)}")
    assert problems == []


def test_a_visitor_reads_every_page_without_a_write(realistic_seeker):
    problems = []
    for path in [*_bench_pages(signed_in=False), "/community/thread/"]:
        url = _url(path)
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(url)
        if response.status_code != 200 or _writes(queries):
            problems.append(f"{path}: {response.status_code} {_writes(queries)}")
    assert problems == []


def test_a_new_seeker_reads_every_page_without_creating_rows(seeker):
    client = _signed_in(seeker)
    for path in MAIN_PAGES:
        if path == "/community/thread/":
            continue  # a new seeker's world has no thread
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code in (200, 302), path
        assert _writes(queries) == [], path
    assert not Profile.objects.filter(user=seeker).exists()
    assert not ContactDetails.objects.filter(user=seeker).exists()
    assert not BillingAccount.objects.filter(user=seeker).exists()


def test_the_profile_form_of_a_new_seeker_shows_empty_fields(seeker):
    response = _signed_in(seeker).get("/profile/")
    assert response.status_code == 200
    assert b'<option value="" selected>' in response.content  # no country yet
    assert b'name="headline"' in response.content


def test_query_counts_do_not_grow_with_the_data(realistic_seeker, staff):
    client = _signed_in(realistic_seeker)
    urls = {path: _url(path) for path in MAX_QUERIES}
    small = {}
    for path, url in urls.items():
        client.get(url)  # what a page keeps in the cache is kept by now
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, path
        small[path] = len(queries)
    _more_data(realistic_seeker, staff)
    problems = []
    for path, most in MAX_QUERIES.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(urls[path]).status_code == 200, path
        if not len(queries) == small[path] <= most:
            problems.append(f"{path}: {small[path]} queries, {len(queries)} with more data")
    assert problems == [], f"at most {MAX_QUERIES}"


# --- The profile form ------------------------------------------------------------------


def test_the_country_is_a_box_with_suggestions_not_a_list_of_every_country(realistic_seeker):
    ContactDetails.objects.filter(user=realistic_seeker).update(country="GB")
    html = _signed_in(realistic_seeker).get("/profile/").content.decode()
    field = html.split('name="country"', 1)[1].split(">", 1)[0]
    assert 'value="United Kingdom"' in field
    assert 'data-autocomplete-url="/taxonomy/places/"' in field
    assert 'data-autocomplete-params="kind=country"' in field
    assert html.count("<option ") < 20  # the seniority list and the language menu only


def test_the_profile_form_shows_the_saved_targets_without_looking_them_up_again(
    realistic_seeker,
):
    client = _signed_in(realistic_seeker)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/profile/").content.decode()
    profile = Profile.objects.get(user=realistic_seeker)
    assert profile.targets.count() == 2
    for target in profile.targets.all():
        assert f'value="{target.value}" checked> {target.label}' in html
    taxonomy_queries = [q for q in queries.captured_queries if "taxonomy_" in q["sql"]]
    assert len(taxonomy_queries) == 1  # the targets, with their occupations and places


def test_a_form_sent_back_with_errors_keeps_the_chosen_targets(realistic_seeker):
    client = _signed_in(realistic_seeker)
    profile = Profile.objects.get(user=realistic_seeker)
    target = profile.targets.first()
    response = client.post(
        "/profile/", {"name": "", "targets": [target.value], "country": "<script>"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{target.value}" checked> {target.label}' in html
    assert "<script>" not in html
    assert 'aria-invalid="true"' in html


# --- The landing page --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_landing_page_is_cacheable_for_anonymous_visitors(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert queries.captured_queries == []
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=300" in cache_control
    assert "Cookie" in response["Vary"]
    assert not response.cookies  # no session, no CSRF cookie
    again = client.get("/", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304 and not again.content


def test_signed_in_visitors_are_sent_on_and_never_publicly_cached(seeker_client):
    response = seeker_client.get("/")
    assert response.status_code == 302
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_visitor_with_a_message_gets_it_and_no_public_copy(client, seeker, password):
    client.post("/accounts/login/", {"login": seeker.email, "password": password})
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"signed out" in response.content
    assert "public" not in response.get("Cache-Control", "")


# --- Pages every visitor shares -------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_policy_version_shows_at_once(client):
    from privacy.models import PolicyVersion

    assert b"Core Principles" in client.get("/privacy/").content
    current = PolicyVersion.objects.current()
    PolicyVersion.objects.create(version=current.version + 1, text="1. Brand New\nNew words.")
    content = client.get("/privacy/").content
    assert b"Brand New" in content
    assert b"Core Principles" not in content


@pytest.mark.django_db
def test_the_data_inventory_is_public_for_anonymous_visitors_only(client, seeker_client):
    response = client.get("/privacy/data/")
    assert "public" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert not response.cookies
    assert seeker_client.get("/privacy/data/")["Cache-Control"] == "private, no-store"


def test_the_shared_layout_parts_follow_the_settings(client, settings):
    assert b"mailto:support@jobletters.example" in client.get("/privacy/data/").content
    settings.SUPPORT_EMAIL = "help@jobletters.example"
    content = client.get("/privacy/data/").content
    assert b"mailto:help@jobletters.example" in content
    assert b"/static/css/site" in content


def test_the_navigation_follows_the_person(seeker, staff):
    import re

    from django.test import override_settings

    with override_settings(DEBUG=False):
        pages = {}
        for person in (seeker, staff, seeker):
            client = Client()
            client.force_login(person)
            html = client.get("/privacy/data/").content.decode()
            nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
            pages.setdefault(person.email, []).append(nav)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', nav).group(1)
            assert client.cookies["csrftoken"].value and len(token) == 64
            assert 'href="/dashboard/"' in nav and 'href="/billing/"' in nav
        assert 'href="/admin/"' in pages[staff.email][0]
        assert all('href="/admin/"' not in nav for nav in pages[seeker.email])
        anonymous = Client().get("/privacy/data/").content.decode()
        assert 'href="/accounts/login/"' in anonymous and 'href="/dashboard/"' not in anonymous


# --- The benchmark's minimal view -----------------------------------------------------------


@pytest.mark.django_db
def test_the_minimal_view_exists_only_for_the_benchmark(client, settings):
    from importlib import reload

    from django.urls import clear_url_caches

    import config.urls

    assert client.get("/bench/minimal/").status_code == 404
    settings.BENCH_MINIMAL_VIEW = True
    try:
        reload(config.urls)
        clear_url_caches()
        response = client.get("/bench/minimal/")
        assert response.status_code == 200
        assert response.content.startswith(b"<!DOCTYPE html>")
    finally:
        settings.BENCH_MINIMAL_VIEW = False
        reload(config.urls)
        clear_url_caches()
    assert client.get("/bench/minimal/").status_code == 404
