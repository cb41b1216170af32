from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobletters.lib.files import private_file_response

from . import services
from .forms import CVUploadForm, JobLetterForm, ProfileForm, profile_initial
from .letters import editable_letter
from .models import CV, Profile
from .uploads import limit_cv_upload, upload_was_too_large


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.update_profile(
                    user=user,
                    name=form.cleaned_data["name"],
                    contact=form.contact_data(),
                    professional=form.professional_data(),
                    target_occupations=form.cleaned_data["target_occupations"],
                    target_places=form.cleaned_data["target_places"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Your profile was saved.")
                return redirect("profiles:edit")
    else:
        profile, contact = services.profile_for_editing(user)
        form = ProfileForm(
            initial=profile_initial(user=user, profile=profile, contact=contact), user=user
        )
    return render(request, "profiles/edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def job_letter(request: HttpRequest) -> HttpResponse:
    profile = services.profile_of(request.user)
    if request.method == "POST":
        form = JobLetterForm(request.POST)
        if form.is_valid():
            services.update_job_letter(user=request.user, text=form.cleaned_data["text"])
            messages.success(request, "Your job letter was saved. This is how recruiters see it.")
            return redirect("profiles:letter_preview")
    else:
        form = JobLetterForm(initial={"text": editable_letter(profile.job_letter)})
    return render(request, "profiles/letter.html", {"form": form, "profile": profile})


@login_required
@require_GET
def job_letter_preview(request: HttpRequest) -> HttpResponse:
    profile = (
        Profile.objects.filter(user=request.user)
        .select_related("user")
        .prefetch_related("target_occupations", "target_places")
        .first()
    ) or services.profile_of(request.user)
    current_cv = services.cvs_of(request.user).filter(is_current=True).first()
    return render(
        request,
        "profiles/letter_preview.html",
        {"profile": profile, "candidate": profile.user, "current_cv": current_cv},
    )


# The size limit must be in place before anything reads the request body, and
# CsrfViewMiddleware reads it: so the outer view skips the middleware's check
# and the inner one performs it after the limit is installed (Django's
# documented pattern for per-view upload handlers).
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def cv_list(request: HttpRequest) -> HttpResponse:
    limit_cv_upload(request)
    return _cv_list(request)


@csrf_protect
def _cv_list(request: HttpRequest) -> HttpResponse:
    owner = request.user
    if request.method == "POST":
        form = CVUploadForm(
            request.POST, request.FILES, owner=owner, too_large=upload_was_too_large(request)
        )
        if form.is_valid():
            assert form.validated is not None
            try:
                cv = services.upload_cv(
                    owner=owner, file=form.cleaned_data["file"], validated=form.validated
                )
            except services.CVLimitReached:
                form.add_error("file", "You already have the most CVs allowed. Delete one first.")
            else:
                messages.success(
                    request,
                    f"“{cv.original_name}” ({filesizeformat(cv.size)}) was uploaded"
                    + (" and is your current CV." if cv.is_current else "."),
                )
                return redirect("profiles:cv_list")
    else:
        form = CVUploadForm(owner=owner)
    cvs = list(services.cvs_of(owner))
    return render(
        request,
        "profiles/cv_list.html",
        {"form": form, "cvs": cvs, "pending": any(cv.text_state == "pending" for cv in cvs)},
    )


@login_required
@require_POST
def cv_set_current(request: HttpRequest, pk: int) -> HttpResponse:
    cv = get_object_or_404(services.cvs_of(request.user), pk=pk)
    services.set_current_cv(cv=cv)
    messages.success(request, f"“{cv.original_name}” is now your current CV.")
    return redirect("profiles:cv_list")


@login_required
@require_http_methods(["GET", "POST"])
def cv_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cv = get_object_or_404(services.cvs_of(request.user), pk=pk)
    if request.method == "POST":
        services.delete_cv(cv=cv)
        messages.success(request, f"“{cv.original_name}” was deleted.")
        return redirect("profiles:cv_list")
    return render(request, "profiles/cv_confirm_delete.html", {"cv": cv})


@login_required
@require_GET
def cv_download(request: HttpRequest, pk: int) -> HttpResponse:
    cv: CV = get_object_or_404(services.cvs_of(request.user), pk=pk)
    return private_file_response(
        name=cv.file.name,
        download_name=cv.original_name,
        content_type=cv.content_type,
        storage=cv.file.storage,
    )
