"""What the scripts say, translated: Django's ``djangojs`` catalogue at ``/jsi18n/<lang>/``.

The scripts in ``static/js/`` call ``gettext``/``ngettext`` with their English words and
keep them when the catalogue is not loaded; ``locale/fr/LC_MESSAGES/djangojs.po`` holds
their French. One URL per language, so browsers and shared caches keep it, from our own
origin, so the Content-Security-Policy (``script-src 'self'``) allows it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from .access import PUBLIC, access


@access(PUBLIC)
@require_GET
@cache_control(public=True, max_age=60 * 60)
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponseBase:
    """The scripts' messages in ``language`` (only ours: not the admin's or Django's)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Http404("No such language.")
    with translation.override(language):
        return JavaScriptCatalog.as_view(packages=["jobletters"])(request)
