from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest

from . import services
from .cvs import current_cv_of
from .forms import JobLetterForm, ProfileForm, profile_initial
from .models import Profile, with_targets


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest) -> HttpResponse:
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
                    targets=form.cleaned_data["targets"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                # Typed words turned into a target are said back, never changed silently.
                messages.success(request, " ".join([_("Your profile was saved."), *form.resolved]))
                return redirect("profiles:edit")
        profile = None
    else:
        profile, contact = services.profile_for_editing(user)
        form = ProfileForm(
            initial=profile_initial(user=user, profile=profile, contact=contact), user=user
        )
    return render(request, "profiles/edit.html", {"form": form, "profile": profile})


@login_required
@require_POST
def dismiss_pairs_notice(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.dismiss_pairs_notice(user=request.user)
    return redirect("profiles:edit")


@login_required
@require_http_methods(["GET", "POST"])
def job_letter(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.profile_of(request.user)
    if request.method == "POST":
        form = JobLetterForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            had_letter = not services.letter_is_empty(profile.job_letter)
            if services.letter_is_empty(text) and not had_letter:
                form.add_error(
                    "text",
                    _("Your job letter is empty, so nothing was saved. Write a few lines first."),
                )
            elif services.letter_is_empty(text):
                services.update_job_letter(user=request.user, text="")
                messages.warning(
                    request,
                    _(
                        "You emptied your job letter and it was saved that way. You cannot "
                        "send to recruiters until you write one again: it is what they read."
                    ),
                )
                return redirect("profiles:letter")
            else:
                services.update_job_letter(user=request.user, text=text)
                messages.success(
                    request, _("Your job letter was saved. This is how recruiters see it.")
                )
                return redirect("profiles:letter_preview")
    else:
        form = JobLetterForm(initial={"text": profile.job_letter})
    return render(request, "profiles/letter.html", {"form": form, "profile": profile})


@login_required
@require_GET
def job_letter_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = (
        Profile.objects.filter(user=request.user).prefetch_related(with_targets()).first()
    ) or Profile(user=request.user)  # nothing saved yet
    current_cv = current_cv_of(request.user)
    return render(
        request,
        "profiles/letter_preview.html",
        {"profile": profile, "candidate": request.user, "current_cv": current_cv},
    )
