"""The CV pages: upload and list, live status, make current, delete or dismiss, download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from accounts.http import AuthenticatedHttpRequest
from jobletters.access import OWNER, access
from jobletters.lib.files import StoredFileMissing, private_file_response, size_words

from . import cvs
from .cv_forms import CVUploadForm
from .models import CV
from .uploads import limit_cv_upload, upload_was_too_large

TOO_MANY_UPLOADS = gettext_lazy(
    "You have uploaded many files in the last hour. Please wait a while and try again."
)


# The size limit must be in place before anything reads the request body, and
# CsrfViewMiddleware reads it: so the outer view skips the middleware's check
# and the inner one performs it after the limit is installed (Django's
# documented pattern for per-view upload handlers).
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def cv_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    limit_cv_upload(request)
    return _cv_list(request)


@csrf_protect
def _cv_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    owner = request.user
    status = 200
    if request.method == "POST":
        form = CVUploadForm(
            request.POST, request.FILES, owner=owner, too_large=upload_was_too_large(request)
        )
        rate = f"{settings.CV_UPLOADS_PER_HOUR}/h"  # each person's upload attempts
        if is_ratelimited(request, group="cv-upload", key="user", rate=rate, increment=True):
            form.is_valid()  # bound, so the error shows next to the field
            form.errors.clear()
            form.add_error("file", TOO_MANY_UPLOADS)
            status = 429
        elif form.is_valid():
            assert form.upload is not None
            try:
                cv = cvs.upload_cv(owner=owner, file=form.cleaned_data["file"], upload=form.upload)
            except cvs.CVLimitReached:
                form.add_error(
                    "file", _("You already have the most CVs allowed. Delete one first.")
                )
            except cvs.DuplicateCV as duplicate:
                existing = duplicate.existing
                form.add_error(
                    "file",
                    _(
                        "You already uploaded this file, as “%(name)s” on %(date)s: it is in "
                        "the list above, so it was not stored again."
                    )
                    % {
                        "name": existing.original_name,
                        "date": date_format(timezone.localtime(existing.uploaded_at), "j F Y"),
                    },
                )
            else:
                messages.success(
                    request,
                    _(
                        "“%(name)s” (%(size)s) was uploaded. "
                        "We are checking it; this usually takes a few seconds."
                    )
                    % {"name": cv.original_name, "size": size_words(cv.size)},
                )
                return redirect("profiles:cv_list")
    else:
        form = CVUploadForm(owner=owner)
    rows = list(cvs.cvs_of(owner))
    checking = any(cv.state == CV.State.CHECKING for cv in rows)
    return render(
        request,
        "profiles/cv_list.html",
        {"form": form, "cvs": rows, "checking": checking},
        status=status,
    )


@never_cache
@login_required
@require_GET
def cv_status(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Each CV's state and its rendered row, for the list to update itself."""
    rows = list(cvs.cvs_of(request.user))
    return JsonResponse(
        {
            "checking": any(cv.state == CV.State.CHECKING for cv in rows),
            "cvs": [
                {
                    "id": cv.pk,
                    "state": cv.state,
                    "key": f"{cv.state}:{int(cv.is_current)}",
                    "html": render_to_string("profiles/_cv_row.html", {"cv": cv}, request=request),
                }
                for cv in rows
            ],
        }
    )


@access(OWNER)
@login_required
@require_POST
def cv_set_current(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cv = get_object_or_404(cvs.cvs_of(request.user).ready(), pk=pk)
    cvs.set_current_cv(cv=cv, chosen=True)
    messages.success(request, _("“%(name)s” is now your current CV.") % {"name": cv.original_name})
    return redirect("profiles:cv_list")


@access(OWNER)
@login_required
@require_http_methods(["GET", "POST"])
def cv_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cv = get_object_or_404(cvs.cvs_of(request.user), pk=pk)
    if request.method == "POST":
        cvs.delete_cv(cv=cv)
        if cv.state == CV.State.REFUSED:
            messages.success(
                request,
                _("The notice about “%(name)s” was dismissed.") % {"name": cv.original_name},
            )
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": cv.original_name})
        return redirect("profiles:cv_list")
    return render(
        request,
        "profiles/cv_confirm_delete.html",
        {"cv": cv, "successor": cvs.successor_of(cv)},
    )


@access(OWNER)
@login_required
@require_GET
def cv_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The person's own file, as they uploaded it: only once it passed the check."""
    cv: CV = get_object_or_404(cvs.cvs_of(request.user).ready(), pk=pk)
    try:
        return private_file_response(
            name=cv.file.name,
            download_name=cv.original_name,
            content_type=cv.content_type,
            storage=cv.file.storage,
        )
    except StoredFileMissing:
        messages.error(
            request,
            _(
                "We cannot find the file of “%(name)s” any more, so it cannot be downloaded. "
                "Please upload your CV again."
            )
            % {"name": cv.original_name},
        )
        return redirect("profiles:cv_list")
