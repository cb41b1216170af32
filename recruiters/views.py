"""The seeker's pages (matches, consent and send, the delivery report) and the
recruiter's (packet page, CV download, opt-out). Thin: a send's every step is
``sending``'s; what a packet shows is ``packets``'; the directory is ``directory``'s."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from billing import ledger
from jobletters.access import BEARER, OWNER, access
from jobletters.lib.files import StoredFileMissing, private_file_response
from privacy import promises
from privacy.accountability import aggregates
from taxonomy.models import in_place

from . import directory, matching, own_data, packets, report, sending, statistics
from .forms import AnswerForm, RecruiterDetailsForm, SendForm
from .models import Answer, Delivery, Introduction, PacketAccess, Recruiter

MAX_PAGE = 200
R = TypeVar("R", bound=HttpResponseBase)


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


# --- The seeker's pages ------------------------------------------------------------------


@login_required
@require_GET
def matches(request: HttpRequest) -> HttpResponse:
    number = _page_number(request)
    per_page = settings.RECRUITERS_MATCHES_PER_PAGE
    targets = matching.targets_of(request.user)
    page = matching.rank_matches(targets, seeker=request.user, offset=(number - 1) * per_page)
    # What is known of each target's market, where enough people stand behind it.
    pairs = [(role, place) for role in targets.roles for place in role.places]
    found = statistics.markets((role.occupation.pk, place.pk) for role, place in pairs)
    market = [(in_place(r.label, p), found[r.occupation.pk, p.pk]) for r, p in pairs]
    return render(
        request,
        "recruiters/matches.html",
        {
            "page": page,
            "targets": targets,
            "market": market,
            "k": aggregates.K,
            "number": number,
            "first_rank": (number - 1) * per_page + 1,
            "balance": ledger.balance(user=request.user),
            "max_per_send": settings.RECRUITERS_MAX_PER_SEND,
            "resend_days": promises.RESEND_AFTER_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    ids = sending.parse_ids(data.getlist("r"))
    # The consent screen posts include_contact; its links ask with contact.
    include_contact = data.get("include_contact" if posted else "contact") == "1"
    blind = data.get("blind") == "1"
    form = SendForm(request.POST if posted else None)
    if form.is_valid():
        try:
            made = sending.confirm_send(
                seeker=request.user,
                recruiter_ids=ids,
                include_contact=include_contact,
                consent_given=form.cleaned_data["consent"],
                digest=form.cleaned_data["digest"],
                blind=blind,
            )
        except sending.SendRefused as refused:
            form.add_error(None, str(refused))
        else:
            count = made.deliveries.count()
            messages.success(
                request,
                ngettext(
                    "Your packet is on its way to %(count)d recruiter. Follow it here.",
                    "Your packet is on its way to %(count)d recruiters. Follow it here.",
                    count,
                )
                % {"count": count},
            )
            return redirect(reverse("recruiters:sends") + f"#send-{made.pk}")
    plan = sending.plan_send(
        seeker=request.user,
        recruiter_ids=ids,
        top=None if posted or ids else sending.parse_top(data.get("top")),
        include_contact=include_contact,
        blind=blind,
    )
    if not plan.matches:
        # Nobody to send to: say why where the seeker chooses, never a consent for no one.
        for line in dict.fromkeys([*form.non_field_errors(), *plan.left_out, *plan.problems]):
            messages.warning(request, line)
        return redirect("recruiters:matches")
    return render(request, "recruiters/send.html", _send_context(plan, form))


def _send_context(plan: sending.SendPlan, form: SendForm) -> dict[str, Any]:
    ids = [m.recruiter.pk for m in plan.matches]
    query = "&".join(f"r={pk}" for pk in ids)
    contact = "&contact=1" if plan.include_contact else ""
    blind = "&blind=1" if plan.blind else ""
    return {
        "plan": plan,
        "form": form,
        "with_contact_url": f"{reverse('recruiters:send')}?{query}&contact=1{blind}",
        "without_contact_url": f"{reverse('recruiters:send')}?{query}{blind}",
        "blind_url": f"{reverse('recruiters:send')}?{query}{contact}&blind=1",
        "named_url": f"{reverse('recruiters:send')}?{query}{contact}",
        "valid_days": promises.PACKET_VALID_DAYS,
    }


SENDS_PER_PAGE = 20


@login_required
@require_GET
def sends(request: HttpRequest) -> HttpResponse:
    deliveries = (
        Delivery.objects.select_related("recruiter", "link", "introduction")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("answered_at")))
        .order_by("created_at", "pk")
    )
    rows = (
        sending.sends_of(request.user)
        .select_related("consent")
        .prefetch_related(Prefetch("deliveries", queryset=deliveries))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, SENDS_PER_PAGE).get_page(_page_number(request))
    return render(
        request,
        "recruiters/sends.html",
        {"page": page, "sends": [report.describe(s) for s in page.object_list]},
    )


@access(OWNER)
@login_required
@require_POST
def introduction(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decided = sending.decide_introduction(
            seeker=request.user, delivery_id=pk, decision=request.POST.get("decision", "")
        )
    except Introduction.DoesNotExist as missing:
        raise Http404("No such request") from missing
    except sending.IntroductionRefused as refused:
        messages.error(request, str(refused))
        return redirect(reverse("recruiters:sends") + f"#packet-{pk}")
    name = decided.delivery.recipient_name
    if decided.accepted:
        text = _("Introduced: %(name)s now sees your name, contact details and CV.") % {
            "name": name
        }
    else:
        text = _("Declined: %(name)s learns nothing more about you.") % {"name": name}
    messages.success(request, text)
    return redirect(reverse("recruiters:sends") + f"#packet-{pk}")


@access(OWNER)
@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        revoked = sending.revoke_delivery(seeker=request.user, delivery_id=pk)
    except Delivery.DoesNotExist as missing:
        raise Http404("No such packet") from missing
    except sending.SendRefused as refused:
        messages.error(request, str(refused))
        return redirect(reverse("recruiters:sends"))
    if revoked.sent_at:
        text = _("Revoked: %(name)s can no longer open your packet or CV.") % {
            "name": revoked.recipient_name
        }
    else:
        text = _("Revoked: your packet will not be sent to %(name)s.") % {
            "name": revoked.recipient_name
        }
    messages.success(request, text)
    return redirect(reverse("recruiters:sends") + f"#send-{revoked.send_id}")


# --- The recruiter's pages (no account, no cookies) -------------------------------------------


def _private(response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the address: never send it on to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _unknown_link(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "recruiters/link_unknown.html", status=404))


def _gone(request: HttpRequest, reason: str, *, for_now: bool = False) -> HttpResponse:
    # 410 says "for good"; a packet that may come back is only not found now.
    context = {"reason": reason, "for_now": for_now}
    status = 404 if for_now else 410
    return _private(render(request, "recruiters/packet_gone.html", context, status=status))


def _open(request: HttpRequest, token: str) -> Delivery | HttpResponse:
    """The packet behind the token, or the page saying it is unknown or gone."""
    opened = packets.open_link(token)
    if opened is None:
        return _unknown_link(request)
    if opened.gone or opened.delivery is None:
        return _gone(request, opened.gone, for_now=opened.for_now)
    return opened.delivery


def _packet(
    request: HttpRequest, token: str, delivery: Delivery, form: AnswerForm, status: int = 200
) -> HttpResponse:
    revealed = packets.is_revealed(delivery)
    shown = packets.packet_context(delivery.send.snapshot, revealed=revealed)
    context = {
        **shown,
        "cv_url": reverse("packets:cv", args=[token]) if shown["packet"].get("cv") else "",
        "introduction": packets.introduction_of(delivery),
        "opt_out_url": (
            packets.opt_out_url(delivery.recruiter_id) if delivery.recruiter_id else ""
        ),
        "own_page_url": (
            own_data.own_page_url(delivery.recruiter) if delivery.recruiter is not None else ""
        ),
        "delivery": delivery,
        "why": delivery.reason[:1].lower() + delivery.reason[1:],
        "expires_at": delivery.link.expires_at,
        "answer": sending.current_answer(delivery),
        "answer_form": form,
        "answer_url": reverse("packets:answer", args=[token]),
    }
    return _private(render(request, "recruiters/packet.html", context, status=status))


@access(BEARER)
@never_cache
@require_GET
def packet_page(request: HttpRequest, token: str) -> HttpResponse:
    delivery = _open(request, token)
    if isinstance(delivery, HttpResponse):
        return delivery
    sending.record_view(delivery=delivery, token=token)
    current = sending.current_answer(delivery)
    initial = {"kind": current.kind, "message": current.message} if current else None
    return _packet(request, token, delivery, AnswerForm(initial=initial))


@access(BEARER)
@csrf_exempt  # no cookies on recruiters' pages: the secret token in the address is the proof
@never_cache
@require_POST
def packet_answer(request: HttpRequest, token: str) -> HttpResponse:
    delivery = _open(request, token)
    if isinstance(delivery, HttpResponse):
        return delivery
    form = AnswerForm(request.POST)
    if is_ratelimited(
        request,
        group="packet-answer",
        key=lambda _group, _request: packets.hash_token(token),
        rate=sending.ANSWER_RATE,
        increment=True,
    ):
        form.is_valid()
        form.add_error(None, _("Too many answers from this page: please try again in an hour."))
        response = _packet(request, token, delivery, form, status=429)
        response["Retry-After"] = "3600"
        return response
    if form.is_valid():
        try:
            sending.answer_packet(
                delivery_id=delivery.pk,
                kind=form.cleaned_data["kind"],
                message=form.cleaned_data["message"],
            )
        except sending.AnswerRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(reverse("packets:page", args=[token]) + "#answer")
    return _packet(request, token, delivery, form, status=400)


@access(BEARER)
@never_cache
@require_GET
def packet_cv(request: HttpRequest, token: str) -> HttpResponseBase:
    delivery = _open(request, token)
    if isinstance(delivery, HttpResponse):
        return delivery
    if not packets.is_revealed(delivery):
        return _unknown_link(request)
    copy = packets.cv_for_packet(snapshot=delivery.send.snapshot, seeker_id=delivery.seeker_id)
    if copy is None or not copy.file.name:
        return _gone(
            request, _("The candidate deleted this CV, so it can no longer be downloaded.")
        )
    try:
        response = private_file_response(
            name=copy.file.name,
            download_name=copy.download_name,
            content_type=copy.content_type,
            storage=copy.file.storage,
        )
    except StoredFileMissing:
        page = render(request, "recruiters/packet_cv_missing.html", {"token": token}, status=404)
        return _private(page)
    sending.record_access(delivery=delivery, kind=PacketAccess.Kind.DOWNLOAD)
    return _private(response)


@access(BEARER)
@csrf_exempt  # RFC 8058: mail clients post here without cookies; the token is signed
@never_cache
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    recruiter_id = packets.recruiter_for_opt_out(token)
    if recruiter_id is None:
        return _unknown_link(request)
    if request.method == "POST":
        directory.opt_out_recruiter(recruiter_id=recruiter_id)
        # Answered here, not redirected: one-click clients do not follow redirects. Done
        # also for a recruiter no longer listed: nothing reaches them any more.
        return _private(render(request, "recruiters/opt_out_done.html"))
    recruiter = Recruiter.objects.filter(pk=recruiter_id).only("email", "opted_out_at").first()
    if recruiter is None:
        return _gone(request, str(packets.LEFT_DIRECTORY))
    context = {"email": _masked(recruiter.email), "already": recruiter.opted_out_at is not None}
    return _private(render(request, "recruiters/opt_out.html", context))


@access(BEARER)
@csrf_exempt  # no cookies on recruiters' pages: the signed token in the address is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def own_page(request: HttpRequest, token: str) -> HttpResponse:
    recruiter = own_data.recruiter_for(token)
    if recruiter is None:
        if not own_data.is_valid(token):
            return _unknown_link(request)
        return _gone(
            request,
            _(
                "Your details are no longer in our directory. Only a one-way hash of your "
                "address remains, so that you receive no more packets."
            ),
        )
    form = RecruiterDetailsForm(instance=recruiter)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "remove":
        own_data.remove_recruiter(recruiter=recruiter)
        return _private(render(request, "recruiters/own_page_removed.html"))
    if request.method == "POST":
        form = RecruiterDetailsForm(request.POST, instance=recruiter)
        if form.is_valid():
            own_data.correct_recruiter(recruiter=recruiter, data=form.cleaned_data)
            return redirect(request.path + "?saved=1")
        status = 400
        recruiter.refresh_from_db()
    context = {
        "recruiter": recruiter,
        "form": form,
        "saved": request.GET.get("saved") == "1",
        "received": own_data.packets_received(recruiter),
        "opt_out_url": packets.opt_out_url(recruiter.pk),
    }
    return _private(render(request, "recruiters/own_page.html", context, status=status))


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
