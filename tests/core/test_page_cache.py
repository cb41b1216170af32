"""Kept pages (jobletters.lib.pagecache): served again only while nothing they read changed."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from jobletters.lib import pagecache
from profiles.models import Profile

from ..factories import UserFactory

PREVIEW = "/profile/letter/preview/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _client(user: User, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _queries(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _letter(user: User, text: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"job_letter": text})


@pytest.fixture
def letter_client(seeker) -> Client:
    _letter(seeker, "<p>I build bridges that stay up.</p>")
    return _client(seeker)


def test_a_page_read_twice_is_served_from_the_cache_the_second_time(letter_client):
    rendered, first = _queries(letter_client, PREVIEW)
    kept, second = _queries(letter_client, PREVIEW)
    assert kept < rendered
    assert kept <= 2  # the session and the person, as for any signed-in page
    assert "I build bridges" in second
    assert TOKEN.sub("", first) == TOKEN.sub("", second)


def test_a_save_is_seen_at_once(seeker, letter_client):
    letter_client.get(PREVIEW)
    profile = Profile.objects.get(user=seeker)
    profile.job_letter = "<p>I now build tunnels.</p>"
    profile.save()
    assert "I now build tunnels" in letter_client.get(PREVIEW).content.decode()


def test_a_bulk_update_is_seen_at_once(seeker, letter_client):
    letter_client.get(PREVIEW)
    Profile.objects.filter(user=seeker).update(job_letter="<p>Bulk words.</p>")
    assert "Bulk words" in letter_client.get(PREVIEW).content.decode()


def test_raw_sql_is_seen_at_once(seeker, letter_client):
    letter_client.get(PREVIEW)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Profile._meta.db_table} SET job_letter = %s WHERE user_id = %s",  # noqa: S608
            ["<p>Raw words.</p>", seeker.pk],
        )
    assert "Raw words" in letter_client.get(PREVIEW).content.decode()


def test_a_change_to_the_person_read_by_the_middleware_is_seen(seeker, letter_client):
    letter_client.get(PREVIEW)
    User.objects.filter(pk=seeker.pk).update(name="Ada Changed-Name")
    assert "Ada Changed-Name" in letter_client.get(PREVIEW).content.decode()


def test_a_commit_marks_the_tables_again(seeker, letter_client, django_capture_on_commit_callbacks):
    letter_client.get(PREVIEW)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        Profile.objects.filter(user=seeker).update(job_letter="<p>Committed.</p>")
    assert callbacks, "the tables are marked again once the transaction commits"
    name = pagecache._name(Profile._meta.db_table)
    before = cache.get(name)
    for callback in callbacks:
        callback()
    assert cache.get(name) != before
    assert "Committed." in letter_client.get(PREVIEW).content.decode()


def test_each_person_and_each_session_has_their_own_copy(seeker, other_seeker, letter_client):
    _letter(other_seeker, "<p>Someone else's letter.</p>")
    letter_client.get(PREVIEW)
    other = _client(other_seeker)
    page = other.get(PREVIEW).content.decode()
    assert "Someone else" in page and "I build bridges" not in page
    second_session = _client(seeker)
    assert _queries(second_session, PREVIEW)[0] > 2  # rendered for that session, not reused


def test_the_csrf_token_of_a_kept_page_is_fresh_and_valid(seeker):
    client = _client(seeker, enforce_csrf_checks=True)
    client.get("/profile/letter/")
    first = TOKEN.search(client.get("/profile/letter/").content.decode()).group(1)
    kept, page = _queries(client, "/profile/letter/")
    assert kept <= 2, "served kept"
    second = TOKEN.search(page).group(1)
    assert first != second and pagecache.MARK not in first + second
    response = client.post("/profile/letter/", {"csrfmiddlewaretoken": second, "text": "Hello."})
    assert response.status_code == 302  # saved: the token was accepted


def test_an_anonymous_visitor_gets_a_csrf_cookie_and_a_matching_token():
    Client().get("/support/")  # kept for visitors without cookies
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/support/")
    assert visitor.cookies.get("csrftoken"), "a kept page still sets the CSRF cookie"
    token = TOKEN.search(response.content.decode()).group(1)
    answer = visitor.post(
        "/support/",
        {"csrfmiddlewaretoken": token, "email": "a@example.com", "subject": "Hi", "body": "Hi"},
    )
    assert answer.status_code != 403


def test_the_support_form_gets_a_new_time_token_on_every_visit():
    visitor = Client()
    shown = re.compile(r'name="shown" value="([^"]+)"')
    first = shown.search(visitor.get("/support/").content.decode()).group(1)
    second = shown.search(visitor.get("/support/").content.decode()).group(1)
    assert first != second
    assert pagecache.MARK not in first + second


def test_a_page_with_a_message_is_neither_kept_nor_served_from_the_cache(seeker, letter_client):
    letter_client.get(PREVIEW)
    response = letter_client.post("/profile/letter/", {"text": "<p>A new letter.</p>"})
    assert response.status_code == 302
    page = letter_client.get(PREVIEW).content.decode()
    assert "Your job letter was saved" in page
    again = letter_client.get(PREVIEW).content.decode()
    assert "Your job letter was saved" not in again, "a message shows once"
    assert "A new letter." in again


def test_nothing_is_older_than_page_cache_seconds(letter_client, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 30
    letter_client.get(PREVIEW)
    assert _queries(letter_client, PREVIEW)[0] <= 2
    now = pagecache.time.time()
    monkeypatch.setattr(pagecache.time, "time", lambda: now + 31)
    assert _queries(letter_client, PREVIEW)[0] > 2


def test_off_when_the_setting_is_off(letter_client, settings):
    settings.PAGE_CACHE = False
    letter_client.get(PREVIEW)
    assert _queries(letter_client, PREVIEW)[0] > 2


def test_nothing_is_kept_while_the_shared_cache_is_down(letter_client, monkeypatch):
    monkeypatch.setattr(pagecache, "_degraded", lambda: True)
    letter_client.get(PREVIEW)
    assert _queries(letter_client, PREVIEW)[0] > 2


def test_a_cache_that_fails_is_a_miss_not_an_error(letter_client, monkeypatch):
    letter_client.get(PREVIEW)

    def broken(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(pagecache.cache, "get_many", broken)
    monkeypatch.setattr(pagecache.cache, "get", broken)
    monkeypatch.setattr(pagecache.cache, "set_many", broken)
    monkeypatch.setattr(pagecache, "_local", pagecache.OrderedDict())
    response = letter_client.get(PREVIEW)
    assert response.status_code == 200 and "I build bridges" in response.content.decode()
    profile = Profile.objects.get(job_letter__contains="bridges")
    profile.job_letter = "<p>Saved while the cache was down.</p>"
    profile.save()  # the write itself never fails for the cache
    assert "Saved while the cache was down" in letter_client.get(PREVIEW).content.decode()


# --- The decorator on a view of its own ----------------------------------------------------


def _request(user: User):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/kept/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_page_that_wrote_while_rendering_is_not_kept(seeker):
    calls = []

    @pagecache.kept_until_changed
    def view(request):
        calls.append(1)
        User.objects.filter(pk=seeker.pk).update(name="Written on a read")
        return HttpResponse("<p>page</p>")

    view(_request(seeker))
    view(_request(seeker))
    assert len(calls) == 2


def test_a_write_committed_while_a_page_rendered_is_seen_next_time(seeker):
    calls = []

    @pagecache.kept_until_changed
    def view(request):
        calls.append(1)
        text = Profile.objects.get(user=seeker).job_letter
        if len(calls) == 1:  # another process commits after this render read the row
            pagecache.mark_changed([Profile._meta.db_table])
        return HttpResponse(text)

    _letter(seeker, "<p>Before.</p>")
    request = _request(seeker)
    view(request)
    view(request)
    assert len(calls) == 2, "the token taken before the read no longer matches"
    view(request)
    assert len(calls) == 2, "then kept"


def test_a_view_message_is_not_kept(seeker):
    from django.contrib import messages

    calls = []

    @pagecache.kept_until_changed
    def view(request):
        calls.append(1)
        messages.info(request, "Once only")
        return HttpResponse("<p>page</p>")

    request = _request(seeker)
    view(request)
    list(get_messages(request))
    view(request)
    assert len(calls) == 2


def test_a_page_is_kept_with_the_tables_it_read(seeker):
    @pagecache.kept_until_changed
    def view(request):
        return HttpResponse(f"<p>{Profile.objects.count()}</p>")

    request = _request(seeker)
    view(request)
    kept = cache.get(pagecache._key(request))
    tables = {name.removeprefix(pagecache.PREFIX + "t:") for name in kept.tokens}
    assert tables == {"profiles_profile"}


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        ('SELECT "a"."id" FROM "profiles_profile" a', True),
        ("  select 1", True),
        ('WITH x AS (SELECT 1) SELECT * FROM "profiles_cv"', True),
        ('WITH x AS (DELETE FROM "profiles_cv" RETURNING id) SELECT * FROM x', False),
        ('INSERT INTO "profiles_cv" ("id") VALUES (1)', False),
        ('UPDATE "accounts_user" SET "name" = %s', False),
        ('DELETE FROM "profiles_cv"', False),
        ('TRUNCATE "profiles_cv"', False),
        ("SAVEPOINT s1", True),
        ("VACUUM", False),  # not a known read: treated as a write
    ],
)
def test_statements_are_reads_only_when_known_to_be(sql, read):
    assert pagecache._is_read(sql) is read


def test_tables_are_found_by_their_whole_name(db):
    found = pagecache._tables_in(
        "SELECT * FROM \"profiles_cv\" JOIN accounts_user ON 1=1 WHERE x = 'profiles_cvx'"
    )
    assert found == {"profiles_cv", "accounts_user"}


def test_a_new_person_on_a_page_kept_for_another_never_sees_it(db):
    first, second = UserFactory(name="First Person"), UserFactory(name="Second Person")
    _letter(first, "<p>First's letter.</p>")
    _letter(second, "<p>Second's letter.</p>")
    a, b = _client(first), _client(second)
    for _ in range(2):
        assert "First's letter" in a.get(PREVIEW).content.decode()
        page = b.get(PREVIEW).content.decode()
        assert "Second's letter" in page and "First's letter" not in page


def test_one_visitor_cannot_fill_the_cache_by_varying_the_address(letter_client, settings):
    settings.PAGE_CACHE_PER_VISITOR = 3
    for number in range(5):
        letter_client.get(f"{PREVIEW}?n={number}")
    kept = [n for n in range(5) if _queries(letter_client, f"{PREVIEW}?n={n}")[0] <= 2]
    assert kept == [0, 1, 2]


def test_a_restored_backup_is_seen_on_every_kept_page(letter_client):
    letter_client.get(PREVIEW)
    assert _queries(letter_client, PREVIEW)[0] <= 2
    pagecache.mark_all_changed()  # what restoring a backup calls once the data is back
    assert _queries(letter_client, PREVIEW)[0] > 2


def test_bulk_inserts_mark_their_table_even_by_copy(db):
    from recruiters import bulk
    from recruiters.models import Keyword

    name = pagecache._name(Keyword._meta.db_table)
    cache.set(name, "before", timeout=None)
    assert bulk.insert(Keyword, ["term"], [["copyrighted-term"]]) == 1
    assert cache.get(name) != "before"
