from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jobletters.lib.caching import same_for_every_visitor
from privacy.registry.declarations import by_section

from .cookies import COOKIES
from .promises import CLAUSES


@same_for_every_visitor
def data_inventory(request: HttpRequest) -> HttpResponse:
    """The public list of every kind of personal data we hold, from the registry."""
    return render(request, "privacy/data.html", {"sections": by_section()})


@same_for_every_visitor
def promises_page(request: HttpRequest) -> HttpResponse:
    """Each promise of the policy and the terms, with the names of the checks that keep it."""
    return render(request, "privacy/promises.html", {"clauses": CLAUSES})


@same_for_every_visitor
def cookies_page(request: HttpRequest) -> HttpResponse:
    """Every cookie we set, why and for how long (privacy.cookies)."""
    return render(request, "privacy/cookies.html", {"cookies": COOKIES})
