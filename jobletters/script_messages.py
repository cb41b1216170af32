"""What the site's scripts say, translated: a small catalogue at ``/jsi18n/<language>/``.

The scripts in ``static/js/`` (the autocomplete, the landing page's count, the CV
list's status line) show a few sentences of their own. They are marked here, in the
ordinary ``django`` catalogue, so they are translated with everything else; the view
below sends a script the translations of these messages only (not the whole
catalogue), with Django's ``gettext``/``ngettext`` functions. The scripts call them
with exactly the same English text, and fall back to it when the catalogue is not
loaded. A page loads the catalogue before its scripts::

    {% get_current_language as language %}
    <script src="{% url 'javascript-catalog' language %}" defer></script>

It is an ordinary script from our own origin, so the Content-Security-Policy
(``script-src 'self'``) allows it; it is the same for everyone who reads a language,
so browsers and shared caches may keep it (one URL per language).
"""

from __future__ import annotations

from gettext import NullTranslations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_noop
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from .access import PUBLIC, access


def ngettext(singular: str, plural: str) -> str:
    """Marks both forms of a plural message (makemessages knows this name); the
    catalogue keys the message by its singular."""
    return singular


MESSAGES: tuple[str, ...] = (
    # static/js/taxonomy-autocomplete.js
    gettext_noop("Suggestions are unavailable right now."),
    ngettext(
        "%(count)s suggestion, use up and down arrows to choose.",
        "%(count)s suggestions, use up and down arrows to choose.",
    ),
    gettext_noop("No suggestions for “%(text)s”. Try other words."),
    gettext_noop("%(occupation)s in %(place)s"),  # also static/js/coverage-count.js
    gettext_noop("%(count)s of %(max)s chosen"),
    gettext_noop("%(count)s chosen"),
    ngettext(
        "You can choose at most %(max)s target. Untick one to add %(name)s.",
        "You can choose at most %(max)s targets. Untick one to add %(name)s.",
    ),
    gettext_noop("Now type where you want to work as %(role)s, or Remote."),
    ngettext(
        "You can choose at most %(max)s item. Untick one to add %(name)s.",
        "You can choose at most %(max)s items. Untick one to add %(name)s.",
    ),
    gettext_noop("%(first)s and %(second)s"),
    gettext_noop("%(names)s chosen."),
    # static/js/coverage-count.js
    gettext_noop("Now choose a place."),
    gettext_noop("Now choose a role."),
    gettext_noop("Counting…"),
    gettext_noop("We could not count them right now."),
    gettext_noop("No recruiter covers %(what)s yet."),
    ngettext("%(count)s recruiter covers %(what)s.", "%(count)s recruiters cover %(what)s."),
    gettext_noop(
        "Of every 100 packets sent to them, %(opened)s were opened within 7 days and "
        "%(answered)s answered."
    ),
    gettext_noop("Their first answer usually comes within %(time)s."),
    gettext_noop("How they answer: not enough data yet."),
    ngettext("%(count)s hour", "%(count)s hours"),
    ngettext("%(count)s day", "%(count)s days"),
    # static/js/cv-status.js
    gettext_noop("“%(name)s” is ready."),
    gettext_noop("“%(name)s” was refused; the reason is in the list."),
)


class ScriptCatalog(JavaScriptCatalog):
    """Django's JavaScript catalogue, limited to :data:`MESSAGES`."""

    domain = "django"

    def get_catalog(self) -> dict:
        """The translations of :data:`MESSAGES`, the first found along the fallbacks.

        Like Django's, but a fallback without a catalogue of its own is passed over:
        django-countries puts such a translator in the default language's chain once it
        has named a country, and Django's own walk would fail on it."""
        wanted = set(MESSAGES)
        catalog: dict = {}
        plurals: dict[str, dict[int, str]] = {}
        translation: NullTranslations | None = self.translation
        while translation is not None:
            for key, value in getattr(translation, "_catalog", {}).items():
                if isinstance(key, str):
                    if key in wanted:
                        catalog.setdefault(key, value)
                elif key[0] in wanted:
                    plurals.setdefault(key[0], {}).setdefault(key[1], value)
            translation = getattr(translation, "_fallback", None)
        for msgid, forms in plurals.items():
            plurals_count = self._num_plurals  # type: ignore[attr-defined]  # Django's, not in the stubs
            catalog[msgid] = [forms.get(i, "") for i in range(plurals_count)]
        return catalog


_rendered: dict[str, bytes] = {}


@access(PUBLIC)
@require_GET
@cache_control(public=True, max_age=60 * 60)
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponse:
    """The scripts' messages in ``language`` (rendered once per process and language)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Http404("No such language.")
    content = _rendered.get(language)
    if content is None:
        with translation.override(language):
            response = ScriptCatalog.as_view()(request)
            assert isinstance(response, HttpResponse), "the catalogue is one whole response"
            content = response.content
        if not settings.DEBUG:
            _rendered[language] = content
    return HttpResponse(content, content_type='text/javascript; charset="utf-8"')
