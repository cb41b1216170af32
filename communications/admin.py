"""Staff write announcements, preview them, send a test to themselves, then send."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from jobletters.access import STAFF, access
from jobletters.admin_site import object_context, permitted_object

from . import announcements
from .announcements import AnnouncementError
from .models import Announcement

_EDITABLE = ("category", "subject", "body_format", "body")
_STATUS = (
    "state",
    "progress",
    "created_by",
    "created_at",
    "updated_at",
    "test_sent_at",
    "sent_by",
    "started_at",
    "queued_at",
    "finished_at",
)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("subject", "category", "state", "progress", "created_at", "finished_at")
    list_filter = ("state", "category")
    search_fields = ("subject",)
    change_form_template = "admin/communications/announcement/change_form.html"

    def get_fields(self, request: HttpRequest, obj: Announcement | None = None) -> tuple:
        return _EDITABLE + (_STATUS if obj else ())

    def get_readonly_fields(self, request: HttpRequest, obj: Announcement | None = None) -> tuple:
        if obj is not None and obj.state != Announcement.State.DRAFT:
            return _EDITABLE + _STATUS
        return _STATUS

    def has_delete_permission(self, request: HttpRequest, obj: Announcement | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.state == Announcement.State.DRAFT
        )

    @admin.display(description="progress")
    def progress(self, obj: Announcement) -> str:
        if obj.state == Announcement.State.DRAFT:
            return "Not sent yet"
        waiting = f", {obj.waiting} waiting" if obj.waiting else ""
        return format_html(
            "{} queued: {} sent, {} skipped (unsubscribed or frozen meanwhile), {} failed{}",
            obj.queued_count, obj.sent_count, obj.skipped_count, obj.failed_count, waiting,
        )  # fmt: skip

    def save_model(self, request: HttpRequest, obj: Announcement, form: Any, change: bool) -> None:
        if obj.state == Announcement.State.DRAFT:  # otherwise every field is read-only
            announcements.save_announcement(announcement=obj, staff=request.user)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        name = "communications_announcement"
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name=f"{name}_preview"),
            path("<int:pk>/test/", wrap(self.test_view), name=f"{name}_test"),
            path("<int:pk>/send/", wrap(self.send_view), name=f"{name}_send"),
            *super().get_urls(),
        ]

    def _change_url(self, announcement: Announcement) -> str:
        return reverse("admin:communications_announcement_change", args=[announcement.pk])

    @access(STAFF, "communications.view_announcement")
    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        announcement = permitted_object(self, request, pk, change=False)
        context = {
            **object_context(self, request, announcement, f"Preview: {announcement.subject}"),
            "content": announcements.render_content(announcement),
            "category": announcement.email_category.spec,
            "audience": announcements.audience_size(announcement),
        }
        return TemplateResponse(request, "admin/communications/announcement/preview.html", context)

    @access(STAFF, "communications.change_announcement")
    def test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        announcement = permitted_object(self, request, pk, change=True)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(announcement))
        try:
            announcements.send_test(announcement=announcement, staff=request.user)
        except AnnouncementError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, f"A test is on its way to {request.user.get_username()}.", messages.SUCCESS
            )
        return HttpResponseRedirect(self._change_url(announcement))

    @access(STAFF, "communications.change_announcement")
    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        announcement = permitted_object(self, request, pk, change=True)
        if request.method == "POST":
            try:
                announcements.start_sending(announcement=announcement, staff=request.user)
            except AnnouncementError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request, "Sending has started; this page shows the progress.", messages.SUCCESS
                )
            return HttpResponseRedirect(self._change_url(announcement))
        context = {
            **object_context(self, request, announcement, f"Send: {announcement.subject}"),
            "category": announcement.email_category.spec,
            "audience": announcements.audience_size(announcement),
            "tested": announcement.test_sent_at is not None
            and announcement.test_sent_at >= announcement.updated_at,
        }
        return TemplateResponse(request, "admin/communications/announcement/send.html", context)
