"""Autocomplete endpoints: JSON for the combobox in static/js/taxonomy-autocomplete.js.

Public and the same for everyone (vocabulary, not personal data), so browsers
and shared caches may keep answers for an hour; ETags turn repeats into 304s.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page, require_GET

from . import search
from .models import Place

MAX_AGE = 60 * 60


def _limit(request: HttpRequest) -> int | None:
    raw = request.GET.get("limit", "")
    if not raw:
        return search.DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= search.MAX_LIMIT:
        return None
    return int(raw)


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": message, "results": []}, status=400)


def _answer(request: HttpRequest, find: Callable[[int], list[search.Result]]) -> HttpResponse:
    limit = _limit(request)
    if limit is None:
        return _bad_request(f"limit must be a whole number from 1 to {search.MAX_LIMIT}.")
    try:
        results = find(limit)
    except search.BadQuery as error:
        return _bad_request(str(error))
    return JsonResponse({"results": [result.as_json() for result in results]})


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
@conditional_page  # ETags turn repeats into 304s
def occupations(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    # "attorney in London" also offers the pair (each result then has a "place").
    return _answer(request, lambda limit: search.search_targets(q, limit=limit))


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
@conditional_page  # ETags turn repeats into 304s
def places(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    kinds = [kind for kind in request.GET.getlist("kind") if kind in Place.Kind.values]
    if len(kinds) != len(request.GET.getlist("kind")):
        return _bad_request("kind must be one of: " + ", ".join(Place.Kind.values) + ".")
    country = request.GET.get("country", "")
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        return _bad_request("country must be a two-letter ISO code, like GB.")
    return _answer(
        request,
        lambda limit: search.search_places(q, limit=limit, kinds=kinds, country=country),
    )
