"""How many recruiters cover a role and a place: the landing page's count, for anyone.

A number, never names: ``GET /recruiters/coverage/?occupation=<id>&place=<id>``
answers ``{"count": 12, "market": {...}}``, the market's figures as
``recruiters.statistics`` releases them (null where fewer than 10 people stand
behind one). The landing page stays the same for every visitor (it
is kept per process and publicly cacheable); its script asks this endpoint. The
answer is the same for everyone, so browsers and shared caches may keep it for
a few minutes and the count itself is kept in the cache as long; each address is
held to ``RECRUITERS_COVERAGE_RATE_LIMIT`` (allauth's limiter, which knows
``TRUSTED_PROXY_COUNT``), so the directory cannot be mapped by brute force.
"""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from taxonomy.models import Occupation, Place, parse_target_value

from .matching import count_covering
from .statistics import markets

MAX_AGE = 5 * 60
DEFAULT_RATE_LIMIT = "30/m/ip,300/h/ip"


def _refusal(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    patch_cache_control(response, no_store=True)
    return response


@require_GET
def count(request: HttpRequest) -> JsonResponse:
    rate = getattr(settings, "RECRUITERS_COVERAGE_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    allowed = ratelimit.consume(
        request, app="recruiters", action="coverage", config={"coverage": rate}, limit_get=True
    )
    if not allowed:
        response = _refusal("Too many requests: try again in a minute.", 429)
        response["Retry-After"] = "60"
        return response
    occupation_value = parse_target_value(request.GET.get("occupation", ""))
    place_id = request.GET.get("place", "")
    if occupation_value is None or not place_id.isdigit() or len(place_id) > 18:
        return _refusal("Choose a role and a place from the suggestions.", 400)
    occupation = Occupation.objects.filter(pk=occupation_value[0]).only("code").first()
    place = (
        Place.objects.filter(pk=int(place_id))
        .only("kind", "country", "latitude", "longitude")
        .first()
    )
    if occupation is None or place is None:
        return _refusal("We do not know that role or place: choose one from the suggestions.", 400)
    key = f"recruiters:coverage:{occupation.pk}:{place.pk}"
    found = cache.get(key)
    if found is None:
        pair = (occupation.pk, place.pk)
        found = {
            "count": count_covering(occupation=occupation, place=place),
            "market": markets([pair])[pair].as_json(),
        }
        cache.set(key, found, MAX_AGE)
    response = JsonResponse(found)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
