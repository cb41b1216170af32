"""The policy and the terms, every version of them, and acknowledging a change (§9)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jobletters.access import PUBLIC, SIGNED_IN, access
from jobletters.lib.caching import same_for_every_visitor
from privacy.documents import versions as documents
from privacy.documents.translations import translation_of
from privacy.models import PolicyVersion

Document = PolicyVersion.Document


def _page(
    request: HttpRequest,
    version: PolicyVersion,
    template: str = "privacy/document.html",
    **more: Any,
) -> HttpResponse:
    """A version's page: in the reader's language when translated; the English text applies."""
    context = {"document": version, "title": version.get_document_display(), **more}
    context.update(translation=translation_of(version), original="original" in request.GET)
    return render(request, template, context)


@same_for_every_visitor
def policy(request: HttpRequest) -> HttpResponse:
    current, upcoming = documents.current_and_upcoming(Document.PRIVACY)
    if current is None:
        raise Http404("No privacy policy has been published yet.")
    return _page(request, current, "privacy/policy.html", upcoming=upcoming)


@same_for_every_visitor
@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    current, upcoming = documents.current_and_upcoming(Document.TERMS)
    if current is None:
        raise Http404(_("No terms of service have been published yet."))
    return _page(request, current, upcoming=upcoming)


@same_for_every_visitor
@require_GET
def versions(request: HttpRequest) -> HttpResponse:
    """Every published version of both documents, with what changed from the one before."""
    return render(request, "privacy/versions.html", {"documents": documents.versions_by_document()})


@access(PUBLIC)
@same_for_every_visitor
@require_GET
def version_text(request: HttpRequest, document: str, number: int) -> HttpResponse:
    published = PolicyVersion.objects.published()
    version = get_object_or_404(published, document=document, version=number)
    return _page(request, version, old_version=True)


@access(SIGNED_IN)
@login_required
@require_POST
def acknowledge(request: HttpRequest, document: str, number: int) -> HttpResponse:
    published = PolicyVersion.objects.published().filter(reduces_rights=True)
    version = get_object_or_404(published, document=document, version=number)
    documents.acknowledge_version(person=request.user, version=version)
    known = set(request.session.get(documents.SESSION_ACKNOWLEDGED, ()))
    request.session[documents.SESSION_ACKNOWLEDGED] = sorted(known | {version.reference})
    messages.success(request, _("Thank you: we have noted that you read the changes."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("privacy:versions") + f"#{version.anchor}"
    return HttpResponseRedirect(target)
