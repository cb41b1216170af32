"""The request of a signed-in person, for the views behind ``login_required``."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose ``user`` is a person with an account, never the anonymous user."""

    user: User
