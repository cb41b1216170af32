"""The contact form (anyone), and a person's inquiries with our answers (signed in)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from jobletters.access import OWNER, access
from privacy import promises

from . import services, spam
from .forms import InquiryForm, ReplyForm
from .models import Inquiry

logger = logging.getLogger(__name__)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "support/too_many.html", status=429)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    signed_in = request.user.is_authenticated
    form = InquiryForm(request.POST or None, visitor=not signed_in)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        email = request.user.email if request.user.is_authenticated else data["email"]
        if not spam.consume_allowance(request, action="inquiry", key=email):
            return _too_many(request)
        if form.is_bot:
            # Answered like any other, so the bot learns nothing; nothing is kept.
            logger.info("support: a form with the honeypot filled was dropped")
            return redirect("support:sent")
        inquiry = services.submit_inquiry(
            person=request.user if signed_in else None,
            email=data.get("email", ""),
            name=data.get("name", ""),
            subject=data["subject"],
            body=data["body"],
        )
        if signed_in:
            messages.success(
                request, _("Thank you: we received your message and will answer soon.")
            )
            return redirect("support:inquiry", pk=inquiry.pk)
        return redirect("support:sent")
    context = {
        "form": form,
        "token": spam.form_token(),
        "honeypot": form[spam.HONEYPOT_FIELD],
        "retention_days": promises.SUPPORT_RETENTION_DAYS,
    }
    return render(request, "support/contact.html", context)


@login_required
@require_GET
def inquiries(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = services.with_counts(services.inquiries_of(request.user)).order_by(
        "-last_message_at", "-pk"
    )
    return render(request, "support/inquiries.html", {"inquiries": rows})


@access(OWNER)
@login_required
@require_http_methods(["GET", "POST"])
def inquiry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    thread = services.inquiries_of(request.user).filter(pk=pk).first()
    if thread is None:
        raise Http404("No such inquiry")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not spam.consume_allowance(request, action="reply"):
            return _too_many(request)
        services.reply_to_inquiry(
            inquiry=thread, person=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Your reply was sent."))
        return redirect("support:inquiry", pk=thread.pk)
    context = {
        "inquiry": thread,
        "thread": list(thread.messages.only("from_staff", "body", "created_at", "inquiry_id")),
        "form": form,
        "closed": thread.state == Inquiry.State.CLOSED,
    }
    return render(request, "support/inquiry.html", context)
