from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import NameForm
from .services import update_user_name


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """One page for everything about the account; each part links to its own form."""
    form = NameForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_user_name(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, "Your name was saved.")
        return redirect("account_settings")
    context = {
        "form": form,
        "emails": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
        "authenticator_types": sorted(
            {a.get_type_display() for a in Authenticator.objects.filter(user=request.user)}
        ),
        "session_count": UserSession.objects.filter(user=request.user).count(),
    }
    return render(request, "accounts/settings.html", context)
