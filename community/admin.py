"""Staff moderate the community: see reports, hide, show again, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import markup, services
from .models import Comment, Report, Thread

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OpenReportsFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [("open", _("Open reports")), ("none", _("No open reports"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        if self.value() == "none":
            return queryset.filter(open_reports=0)
        return queryset


class HideForm(ActionForm):
    reason = forms.CharField(label=_("Reason shown to the author"), required=False, max_length=300)


class _PostAdmin(admin.ModelAdmin):
    """What threads and comments share: hide / show again, the text as readers see it."""

    action_form = HideForm
    actions = ("hide", "show_again")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter), OpenReportsFilter)
    show_full_result_count = False
    readonly_fields: ClassVar[tuple[str, ...]] = (
        "author_email", "shown_text", "created_at", "edited_at", "hidden_at", "hidden_by",
        "open_report_count",
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("author")
            .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff moderate; they do not post through the admin

    @admin.display(description=_("author"))
    def author_email(self, post: Thread | Comment) -> str:
        return post.author.email if post.author else str(_("deleted user"))

    @admin.display(description=_("text as shown"))
    def shown_text(self, post: Thread | Comment) -> str:
        return markup.render(post.body)

    @admin.display(description=_("open reports"), ordering="open_reports")
    def open_report_count(self, post: Thread | Comment) -> int:
        return getattr(post, "open_reports", 0)

    @admin.display(description=_("hidden"), boolean=True)
    def hidden(self, post: Thread | Comment) -> bool:
        return post.is_hidden

    @admin.action(description=_("Hide (the author still sees it, with the reason)"))
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        reason = request.POST.get("reason", "")
        count = 0
        for post in queryset:
            if not post.is_hidden:
                services.hide_post(post=post, staff=request.user, reason=reason)
                count += 1
        self.message_user(request, _("%(n)d hidden.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Show again"))
    def show_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for post in queryset:
            if post.is_hidden:
                services.show_post(post=post)
                count += 1
        self.message_user(request, _("%(n)d shown again.") % {"n": count}, messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if isinstance(obj, Comment):
            services.delete_comment(comment=obj)
        else:
            services.delete_thread(thread=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Thread)
class ThreadAdmin(_PostAdmin):
    list_display = ("title", "author_email", "created_at", "comment_count", "hidden",
                    "open_report_count")  # fmt: skip
    list_select_related = ("author", "place")
    search_fields = ("title", "author__email", "author__name")
    date_hierarchy = "created_at"
    fields = ("title", "place", "hidden_reason", *_PostAdmin.readonly_fields)
    readonly_fields = ("title", "place", *_PostAdmin.readonly_fields)


@admin.register(Comment)
class CommentAdmin(_PostAdmin):
    list_display = ("__str__", "thread_title", "author_email", "created_at", "hidden",
                    "open_report_count")  # fmt: skip
    list_select_related = ("author", "thread")
    search_fields = ("author__email", "author__name", "thread__title")
    date_hierarchy = "created_at"
    fields = ("thread_title", "hidden_reason", *_PostAdmin.readonly_fields)
    readonly_fields = ("thread_title", *_PostAdmin.readonly_fields)

    @admin.display(description=_("thread"))
    def thread_title(self, comment: Comment) -> str:
        return comment.thread.title


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Open reports first; each links to the post, which staff hide or delete there."""

    list_display = ("created_at", "reason", "post_link", "post_hidden", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter), "reason")
    list_select_related = ("thread", "comment", "comment__thread")
    actions = ("mark_resolved", "hide_posts")
    fields = ("reason", "note", "post_link", "post_text", "created_at", "resolved_at",
              "resolved_by")  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [F("resolved_at").asc(nulls_first=True), "-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a report is dealt with ("Mark as dealt with"), never deleted

    @admin.display(description=_("post"))
    def post_link(self, report: Report) -> str:
        post = report.post
        if post is None:
            return "—"
        opts = post._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[post.pk])
        label = post.title if isinstance(post, Thread) else f"{post} ({post.thread.title})"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("hidden"), boolean=True)
    def post_hidden(self, report: Report) -> bool:
        post = report.post
        return bool(post and post.is_hidden)

    @admin.display(description=_("text as shown"))
    def post_text(self, report: Report) -> str:
        post = report.post
        return markup.render(post.body) if post is not None else "—"

    @admin.action(description=_("Mark as dealt with"))
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = services.resolve_reports(reports=queryset, staff=request.user)
        self.message_user(request, _("%(n)d marked as dealt with.") % {"n": count})

    @admin.action(description=_("Hide the reported posts"))
    def hide_posts(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = 0
        for report in queryset:
            post = report.post
            if post is not None and not post.is_hidden:
                services.hide_post(
                    post=post, staff=request.user, reason=str(report.get_reason_display())
                )
                count += 1
        self.message_user(request, _("%(n)d posts hidden.") % {"n": count}, messages.SUCCESS)
