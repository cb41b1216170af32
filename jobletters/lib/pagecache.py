"""Rendered pages kept until the data they were drawn from changes.

A page decorated with :func:`kept_until_changed` is rendered once and then served
from the shared cache, per session and address, for as long as none of the tables
it read has been written since, and for at most ``PAGE_CACHE_SECONDS`` (what shows
the time, such as "2 minutes ago", is never older than that).

How a change is seen, whatever made it:

* **Every write marks its tables.** A wrapper on every database connection of every
  process (web, worker, beat, management commands) looks at each statement. Any
  statement that is not a known read (``SELECT``, transaction control) is a write:
  every table it names gets a new random token in the shared cache, at once and
  again once the transaction commits. Bulk ``update()``, raw SQL and migrations are
  seen the same way as ``save()``: there is no list of models to keep up to date.
* **A render takes each table's token before it first reads the table.** The page
  is kept with those tokens. A write committed after the token was taken marks the
  table anew, so the page is not served again; one committed before is in what the
  render read. What the middleware read before the view (the person's row, the
  session's data) is part of the key instead, as it was read: no race to lose.
* **A visit checks the tokens**: one round trip to the cache (the page itself is
  also held in this process's memory); a token that differs or is missing is a miss.

Never kept: anything but a 200 ``text/html`` page from a GET; a page whose view
wrote, set a cookie (but the CSRF one), added or showed a message, or used a CSP
nonce; any page while the shared cache is down (``jobletters.cache`` then answers
from process memory, which other processes do not see; marks that could not be
sent are sent with the next one). The CSRF token in a kept page is replaced on
every visit by a fresh one for the visitor (a token is recognised by unmasking to
the visitor's secret, never by its look), and :func:`fresh` does the same for other
values that must be new each time. A page kept for one visitor is served to nobody
else: the key holds the session, the person, the language, the address with its
query, the cookies and the browser. A new release (code, templates or catalogues
changed) starts with new keys.

Only views reviewed for it are decorated: their page must depend on nothing but the
key, the database and the time. Code that keeps its own copy of database rows (in
memory or in the cache) reads the database instead while :func:`rendering` is true.
It is on where the cache is shared by every process (Redis; ``PAGE_CACHE``), so the
worker's writes reach the web processes' pages; with the embedded defaults (a cache
per process) it is off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial, wraps
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

PREFIX = "page:"
MARK = "\ue000"  # a private-use character, never in our output: around placeholders
CSRF_PLACEHOLDER = MARK + "csrf" + MARK
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ", "SHOW")
_WRITE_WORDS = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_TOKEN_SHAPE = re.compile(rf"\b[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}\b")


def enabled() -> bool:
    return bool(settings.PAGE_CACHE) and not _degraded()


def _degraded() -> bool:
    """The shared cache is down and this process answers from its own memory."""
    return bool(getattr(cache, "degraded", False))


# --- Which tables a statement names ------------------------------------------------------

_table_pattern: re.Pattern[str] | None = None


def _tables_in(sql: str) -> set[str]:
    global _table_pattern
    if _table_pattern is None:
        names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        _table_pattern = re.compile(rf"\b({alternatives})\b")
    return set(_table_pattern.findall(sql))


def _is_read(sql: str) -> bool:
    head = sql.lstrip()[:10].upper()
    if head.startswith("WITH"):
        return not _WRITE_WORDS.search(sql)
    return head.startswith(_READS)


def _name(table: str) -> str:
    return PREFIX + "t:" + table


# --- A render, and what it read ----------------------------------------------------------


@dataclass
class _Render:
    """What one render read: each table's token, taken before the table's first read."""

    tokens: dict[str, str] = field(default_factory=dict)
    wrote: bool = False
    unsure: bool = False  # a token could not be taken: the page is served, not kept
    fresh: dict[str, Callable[[], str]] = field(default_factory=dict)
    until: float | None = None  # time.time() past which the page must not be served


_rendering: ContextVar[_Render | None] = ContextVar("page_rendering", default=None)


def rendering() -> bool:
    """A page that may be kept is rendering: read the database, not a copy of it.

    What a render reads from the database is what decides when its page is stale; a
    copy kept elsewhere (in process memory, in the cache) would hide that read.
    """
    return _rendering.get() is not None


def keep_until(moment: datetime) -> None:
    """The page being rendered is not served after ``moment`` (a link's expiry)."""
    render = _rendering.get()
    if render is not None:
        at = moment.timestamp()
        render.until = at if render.until is None else min(render.until, at)


def fresh(name: str, make: Callable[[], str]) -> str:
    """``make()``, made anew for every visit even when the page around it is kept.

    For a value that must not be served twice, such as a form's signed time token:
    while a kept page renders this returns a placeholder, replaced on every visit
    by a new ``make()`` (a function of a module, so the kept page can name it).
    """
    render = _rendering.get()
    if render is None:
        return make()
    render.fresh[name] = make
    return MARK + name + MARK


def _take_tokens(render: _Render, tables: set[str]) -> None:
    """The tokens of tables this render has not read yet, taken before it reads them.

    A write committed later marks the table with another token, so the page is not
    served again; one committed earlier is in what the render reads.
    """
    names = [_name(table) for table in tables if _name(table) not in render.tokens]
    if not names or render.unsure:
        return
    try:
        found = cache.get_many(names)
        missing = [name for name in names if name not in found]
        if missing:  # never marked, or evicted: a first token (a write replaces it)
            for name in missing:
                cache.add(name, secrets.token_hex(8), timeout=None)
            found.update(cache.get_many(missing))
    except Exception:
        render.unsure = True
        return
    if len(found) != len(names) or _degraded():
        render.unsure = True
    render.tokens.update(found)


# --- Writes mark their tables --------------------------------------------------------------

_unmarked: set[str] = set()  # tables whose mark did not reach the cache: sent again


def mark_changed(tables: Iterable[str]) -> None:
    """A new token for each table: pages that read them render anew."""
    token = secrets.token_hex(8)
    pending = {*tables, *_unmarked}
    marks = {_name(table): token for table in pending}
    try:
        failed = cache.set_many(marks, timeout=None)
    except Exception:  # (the cache is down: the write itself must not fail)
        logger.warning("page cache: could not mark %d table(s) changed", len(pending))
        _unmarked.update(pending)
        return
    if _degraded():
        _unmarked.update(pending)  # only this process's memory saw it
    else:
        _unmarked.difference_update(pending)
        _unmarked.update(key.removeprefix(PREFIX + "t:") for key in failed or ())


def mark_all_changed() -> None:
    """Every table marked: for data changed outside Django (a restored backup)."""
    mark_changed(m._meta.db_table for m in apps.get_models(include_auto_created=True))


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
    if not settings.PAGE_CACHE:
        return execute(sql, params, many, context)
    render = _rendering.get()
    read = _is_read(sql)
    if read:
        if render is not None:
            _take_tokens(render, _tables_in(sql))
        return execute(sql, params, many, context)
    result = execute(sql, params, many, context)
    if render is not None:
        render.wrote = True
    tables = _tables_in(sql)
    if tables:
        mark_changed(tables)  # at once: later reads in this transaction see it
        connection = context["connection"]
        if connection.in_atomic_block:  # and once committed, for everyone else
            connection.on_commit(lambda: mark_changed(tables))
    return result


def watch(connection: Any) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


@receiver(connection_created)
def _watch_new_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    watch(connection)  # always: PAGE_CACHE is read per statement (tests turn it on and off)


# --- The key ---------------------------------------------------------------------------------


def _release() -> str:
    """Changes when the code, a template or a catalogue changes (a new release)."""
    root = Path(settings.BASE_DIR)
    newest = 0.0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("var", "node_modules")]
        for name in files:
            if name.endswith((".py", ".html", ".txt", ".mo")):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return f"{os.environ.get('RELEASE', '')}:{newest}"


_epoch = {"release": "", "settings": secrets.token_hex(4)}

# A copy of the pages this process kept or served last, so that a hit costs one
# round trip to the cache (the tables' tokens) instead of two.
LOCAL_PAGES = 256
_local: OrderedDict[str, _Kept] = OrderedDict()
_local_lock = threading.Lock()


@receiver(setting_changed)
def _settings_changed(**kwargs: object) -> None:
    _epoch["settings"] = secrets.token_hex(4)  # pages rendered with other settings (tests)
    with _local_lock:
        _local.clear()


def _row(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _fingerprint(values: dict[str, Any]) -> str:
    items = sorted((k, repr(v)) for k, v in values.items())
    return hashlib.sha256(repr(items).encode()).hexdigest()


def _key(request: HttpRequest) -> str:
    if not _epoch["release"]:
        _epoch["release"] = _release()
    cookies = sorted(
        (name, value)
        for name, value in request.COOKIES.items()
        if name != settings.CSRF_COOKIE_NAME
    )
    user = request.user
    session = request.session
    parts = (
        _epoch["release"],
        _epoch["settings"],
        request.get_host(),
        request.is_secure(),
        request.get_full_path(),
        get_language(),
        getattr(user, "pk", None),
        # What the middleware read before the view, as it read it: a change to the
        # person's row or to the session is another key, with no race to lose.
        _fingerprint(_row(user)) if user.is_authenticated else "",
        session.session_key,
        _fingerprint(session._session) if session.session_key else "",
        cookies,
        request.headers.get("User-Agent", ""),
        request.headers.get("Accept", ""),
    )
    return PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


# --- Keeping and serving a page ----------------------------------------------------------------


@dataclass
class _Kept:
    tokens: dict[str, str]  # cache key of each table read -> its token before the read
    html: str
    headers: list[tuple[str, str]]
    fresh: dict[str, Callable[[], str]]
    until: float  # time.time() after which it is not served, even if nothing changed


def _with_placeholder(request: HttpRequest, html: str) -> str:
    """The visitor's CSRF tokens in ``html`` replaced by a placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return html
    found = {t for t in _TOKEN_SHAPE.findall(html) if _unmask_cipher_token(t) == secret}
    for token in found:
        html = html.replace(token, CSRF_PLACEHOLDER)
    return html


def _filled(request: HttpRequest, html: str, fresh: dict[str, Callable[[], str]]) -> str:
    """The placeholders replaced by values made for this visit."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    for name, make in fresh.items():
        html = html.replace(MARK + name + MARK, make())
    return html


def _storable(request: HttpRequest, response: HttpResponse, render: _Render) -> bool:
    messages = get_messages(request)
    return (
        response.status_code == 200
        and not response.streaming
        # The CSRF cookie is set again on a hit, by the token made for it.
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and response.get("Content-Type", "").startswith("text/html")
        and not render.wrote
        and not render.unsure
        and not getattr(messages, "used", False)
        and not getattr(messages, "_queued_messages", None)
        and getattr(request, "_csp_nonce", None) is None
    )


def _served(request: HttpRequest, kept: _Kept) -> HttpResponse:
    response = HttpResponse(_filled(request, kept.html, kept.fresh))
    for name, value in kept.headers:
        response[name] = value
    return response


def _remember(key: str, kept: _Kept) -> None:
    with _local_lock:
        _local[key] = kept
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def _lookup(key: str, also: str | None = None) -> _Kept | None:
    """The kept page, if every token still matches (and the key ``also`` exists)."""
    with _local_lock:
        kept = _local.get(key)
    if kept is None:
        kept = cache.get(key)
        if not isinstance(kept, _Kept):
            return None
        _remember(key, kept)
    if time.time() >= kept.until:
        current = None
    else:
        current = cache.get_many([*kept.tokens, *([also] if also else [])])
        if also and current is not None and current.pop(also, None) is None:
            return None  # the view has something to do on this visit
    if current == kept.tokens:
        return kept
    with _local_lock:
        _local.pop(key, None)
    return None


def kept_until_changed(
    view: Callable[..., HttpResponse] | None = None,
    *,
    serve_while: Callable[..., str] | None = None,
) -> Any:
    """Serve the view's page from the shared cache until a table it read changes.

    For views whose page depends only on the request's key (see the module), the
    database and the time. ``serve_while(request, *args, **kwargs)``, when given,
    names a cache key: the kept page is served only while that key exists, else the
    view runs (it has something to do on this visit). It is read in the same round
    trip as the tables' tokens.
    """
    if view is None:
        return partial(kept_until_changed, serve_while=serve_while)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or not enabled() or len(get_messages(request)):
            return view(request, *args, **kwargs)
        key = _key(request)
        try:
            also = serve_while(request, *args, **kwargs) if serve_while else None
            kept = _lookup(key, also)
        except Exception:  # (a cache that fails is a miss, never an error)
            kept = None
        if kept is not None:
            return _served(request, kept)
        render = _Render()
        reset = _rendering.set(render)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        finally:
            _rendering.reset(reset)
        html = None
        if render.fresh and not response.streaming:
            html = response.content.decode(response.charset)
            response.content = _filled(request, html, render.fresh)
        if _storable(request, response, render):
            if html is None:
                html = response.content.decode(response.charset)
            _store(request, key, response, html, render)
        return response

    return wrapper


def _within_budget(request: HttpRequest, key: str) -> bool:
    """At most ``PAGE_CACHE_PER_VISITOR`` pages kept per session (or address) a minute.

    Every address with its query is its own page: without a bound, one visitor
    asking for ``?page=1``, ``?page=2``, … could fill the cache.
    """
    if not cache.add(PREFIX + "new:" + key, 1, timeout=60):
        return True  # kept again (another thread, or a change since): not a new page
    visitor = request.session.session_key or request.META.get("REMOTE_ADDR", "")
    name = PREFIX + "n:" + hashlib.sha256(visitor.encode()).hexdigest()[:32]
    cache.add(name, 0, timeout=60)
    try:
        return cache.incr(name) <= settings.PAGE_CACHE_PER_VISITOR
    except ValueError:  # expired between the two calls
        return False


def _store(
    request: HttpRequest, key: str, response: HttpResponse, html: str, render: _Render
) -> None:
    seconds = settings.PAGE_CACHE_SECONDS
    kept = _Kept(
        tokens=render.tokens,
        html=_with_placeholder(request, html),
        headers=[(k, v) for k, v in response.items() if k.lower() != "content-length"],
        fresh=render.fresh,
        until=min(time.time() + seconds, render.until or float("inf")),
    )
    try:
        if not _within_budget(request, key):
            return
        cache.set(key, kept, timeout=seconds)
    except Exception:  # (not kept this time; the page was served)
        logger.warning("page cache: could not keep a page", exc_info=True)
        return
    _remember(key, kept)
