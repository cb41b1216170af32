"""Community pages (policy §2.5): public to read, signed-in job seekers write."""

from __future__ import annotations

from typing import Any

from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jobletters.access import OWNER, PUBLIC, SIGNED_IN, access
from taxonomy.models import Place

from . import markup, services
from .forms import CommentForm, PlaceFilterForm, ReportForm, ThreadForm
from .models import Comment, Thread

THREADS_PER_PAGE = 20
COMMENTS_PER_PAGE = 50


def _allowance(request: HttpRequest, action: str) -> bool:
    """One use of ``action`` (thread, comment, report) for this person; False past the limit."""
    return bool(
        ratelimit.consume(
            request,
            app="community",
            action=action,
            config=settings.COMMUNITY_RATE_LIMITS,
            user=request.user,
        )
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)


@require_GET
def thread_list(request: HttpRequest) -> HttpResponse:
    """Threads, most recently active first, perhaps about one place.

    The place is in the address, so a list is shared by its link and nothing is kept in
    the browser: the filter form sends ``place`` (the combobox's id) and ``place_search``
    (the words); a link sends ``place=<id>`` (``place=all``, from older links, is all).
    """
    place: Place | None = None
    form = PlaceFilterForm(request.GET if "place_search" in request.GET else None)
    if form.is_bound:
        if form.is_valid():
            place = form.cleaned_data.get("place_obj")
    elif "place" in request.GET:
        raw = request.GET["place"]
        if raw.isdigit():
            place = Place.objects.filter(pk=int(raw)).first()
        if place is None and raw != "all":
            raise Http404
        form = PlaceFilterForm(initial_place=place)
    threads = Thread.objects.visible_to(request.user).select_related("author", "place")
    if place is not None:
        threads = threads.filter(place=place)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "threads": page.object_list, "place": place, "filter_form": form}
    return render(request, "community/list.html", context)


@access(PUBLIC)
@require_GET
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = services.thread_for_reader(request.user, pk)
    return _thread_page(request, thread, CommentForm() if request.user.is_authenticated else None)


def _thread_page(
    request: HttpRequest, thread: Thread, form: CommentForm | None, status: int = 200
) -> HttpResponse:
    comments = services.comments_for_reader(request.user, thread)
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"thread": thread, "page": page, "comments": page.object_list, "comment_form": form}
    return render(request, "community/thread.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new_thread(request: HttpRequest) -> HttpResponse:
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _allowance(request, "thread"):
            return _too_many(request)
        try:
            thread = services.start_thread(
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                place=form.cleaned_data.get("place_obj"),
            )
        except services.Refused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("community:thread", pk=thread.pk)
    return render(request, "community/thread_form.html", {"form": form, "thread": None})


@access(OWNER)
@login_required
@require_http_methods(["GET", "POST"])
def edit_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = services.own_thread(request.user, pk)
    form = ThreadForm(
        request.POST or None,
        initial={"title": thread.title, "body": markup.editable(thread.body)},
        initial_place=thread.place,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_thread(
                thread=thread,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                place=form.cleaned_data.get("place_obj"),
            )
        except services.Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Your thread was saved."))
            return redirect("community:thread", pk=thread.pk)
    return render(request, "community/thread_form.html", {"form": form, "thread": thread})


@access(OWNER)
@login_required
@require_http_methods(["GET", "POST"])
def delete_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = services.own_thread(request.user, pk)
    if request.method == "POST":
        services.delete_thread(thread=thread)
        messages.success(request, _("Your thread and its comments were deleted."))
        return redirect("community:list")
    return render(request, "community/confirm_delete.html", {"post": thread, "thread": thread})


@access(SIGNED_IN)
@login_required
@require_http_methods(["POST"])
def add_comment(request: HttpRequest, pk: int) -> HttpResponse:
    thread = services.thread_for_reader(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        if not _allowance(request, "comment"):
            return _too_many(request)
        try:
            comment = services.add_comment(
                author=request.user, thread=thread, body=form.cleaned_data["body"]
            )
        except services.Refused as refused:
            form.add_error("body", refused.message)
        else:
            return redirect(_comment_url(request.user, comment))
    return _thread_page(request, thread, form, status=400)


@access(OWNER)
@login_required
@require_http_methods(["GET", "POST"])
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = services.own_comment(request.user, pk)
    form = CommentForm(request.POST or None, initial={"body": markup.editable(comment.body)})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(comment=comment, body=form.cleaned_data["body"])
        except services.Refused as refused:
            form.add_error("body", refused.message)
        else:
            messages.success(request, _("Your comment was saved."))
            return redirect(_comment_url(request.user, comment))
    return render(request, "community/comment_form.html", {"form": form, "comment": comment})


@access(OWNER)
@login_required
@require_http_methods(["GET", "POST"])
def delete_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = services.own_comment(request.user, pk)
    if request.method == "POST":
        thread_id = comment.thread_id
        services.delete_comment(comment=comment)
        messages.success(request, _("Your comment was deleted."))
        return redirect("community:thread", pk=thread_id)
    context = {"post": comment, "thread": comment.thread}
    return render(request, "community/confirm_delete.html", context)


@access(SIGNED_IN)
@login_required
@require_http_methods(["GET", "POST"])
def report_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = services.thread_for_reader(request.user, pk)
    return _report(request, thread, thread)


@access(SIGNED_IN)
@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = services.comment_for_reader(request.user, pk)
    return _report(request, comment, comment.thread)


def _report(request: HttpRequest, post: Thread | Comment, thread: Thread) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _allowance(request, "report"):
            return _too_many(request)
        try:
            services.report_post(
                reporter=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.Refused as refused:
            form.add_error("reason", refused.message)
        else:
            messages.success(
                request,
                _("Thank you. Our moderators will look at it and act if it breaks the rules."),
            )
            return redirect("community:thread", pk=thread.pk)
    context = {"form": form, "post": post, "thread": thread}
    return render(request, "community/report.html", context)


def _comment_url(user: Any, comment: Comment) -> str:
    """The thread's page that shows the comment, at the comment."""
    earlier = (
        services.comments_for_reader(user, comment.thread)
        .filter(created_at__lt=comment.created_at)
        .count()
    )
    page = earlier // COMMENTS_PER_PAGE + 1
    url = reverse("community:thread", kwargs={"pk": comment.thread_id})
    return f"{url}?page={page}#comment-{comment.pk}" if page > 1 else f"{url}#comment-{comment.pk}"
