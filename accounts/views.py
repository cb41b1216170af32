from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import views as totp_views
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from jobletters.access import OWNER, access
from privacy import promises
from usage.models import SignIn
from usage.services import sign_ins_of

from . import sessions as sessions_service
from .forms import NameForm, NotMeForm
from .http import AuthenticatedHttpRequest
from .services import update_user_name


@login_required
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One page for everything about the account; each part links to its own form."""
    form = NameForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_user_name(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Your name was saved."))
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


@login_required
@require_GET
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where you are signed in and your recent sign-ins, browser and device in words."""
    current = request.session.session_key
    sessions = list(sessions_service.live_sessions_of(request.user))
    sign_ins = list(sign_ins_of(request.user)[:20])
    context = {
        "sessions": sessions,
        "current_key": current,
        "sign_ins": sign_ins,
        "others": sum(1 for s in sessions if s.session_key != current),
        "truncate_days": promises.SIGN_IN_IP_TRUNCATE_DAYS,
        "keep_days": promises.SIGN_IN_RETENTION_DAYS,
    }
    return render(request, "accounts/security.html", context)


@access(OWNER)
@login_required
@require_POST
def end_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user_session = sessions_service.session_of(request.user, pk)
    if user_session is None:
        raise Http404
    if user_session.session_key == request.session.session_key:
        messages.info(request, _("To sign out of this browser, use “Log out”."))
        return redirect("account_security")
    user_session.end()
    messages.success(request, _("That browser is signed out."))
    return redirect("account_security")


@login_required
@require_POST
def end_other_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    ended = sessions_service.end_other_sessions(
        user=request.user, keep_session_key=request.session.session_key or ""
    )
    messages.success(
        request,
        ngettext(
            "%(n)d other browser is signed out.", "%(n)d other browsers are signed out.", ended
        )
        % {"n": ended},
    )
    return redirect("account_security")


@access(OWNER)
@login_required
def not_me_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user_session = sessions_service.session_of(request.user, pk)
    if user_session is None or user_session.session_key == request.session.session_key:
        raise Http404
    return _not_me(request, user_session=user_session, device=user_session.user_agent,
                   ip=user_session.ip, when=user_session.created_at)  # fmt: skip


@access(OWNER)
@login_required
def not_me_sign_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sign_in = sign_ins_of(request.user).filter(pk=pk).first()
    if sign_in is None:
        raise Http404
    return _not_me(request, sign_in=sign_in, device=sign_in.user_agent, ip=sign_in.ip,
                   when=sign_in.signed_in_at)  # fmt: skip


def _not_me(request: AuthenticatedHttpRequest, *, device: str, ip: str | None, when: object,
            user_session: UserSession | None = None, sign_in: SignIn | None = None,
            ) -> HttpResponse:  # fmt: skip
    """Confirm, then end that session (and the others if asked) and ask for a new password."""
    # An unticked box sends nothing: a POST is the answer even when empty.
    form = NotMeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        sessions_service.report_not_me(
            user=request.user,
            current_session_key=request.session.session_key or "",
            user_session=user_session,
            sign_in=sign_in,
            end_others=form.cleaned_data["end_others"],
        )
        messages.warning(
            request,
            _(
                "We signed that browser out. Someone else may know your password: choose a new "
                "one now, and consider turning on two-factor authentication."
            ),
        )
        return redirect("account_change_password")
    context = {"form": form, "device": device, "ip": ip, "when": when}
    return render(request, "accounts/not_me.html", context)


class ActivateTOTPView(totp_views.ActivateTOTPView):
    """allauth's two-factor set-up (at the same address), with two changes.

    allauth makes a new secret each time the page is shown, so reloading it broke the
    app someone had just scanned the QR code into: the pending secret (which allauth
    keeps in the session until set-up ends) stays. And set-up ends where the person was
    going: the admin sends staff here with ``?next=``, and takes them back afterwards.
    """

    def get_form(self, form_class=None):
        pending = self.request.session.get(SECRET_SESSION_KEY)
        form = super().get_form(form_class)
        if pending:
            form.secret = self.request.session[SECRET_SESSION_KEY] = pending
        return form

    def get_success_url(self) -> str:
        return get_next_redirect_url(self.request) or super().get_success_url()


activate_totp = ActivateTOTPView.as_view()
