"""Staff: page timings as a chart (the changelist of PageTiming), and sign-ins (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .models import PageTiming, SignIn
from .report import ALL_VIEWS, PERIODS, build_report


@admin.register(PageTiming)
class PageTimingAdmin(admin.ModelAdmin):
    """Shows a chart instead of a list: how long pages take, per hour."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        period = request.GET.get("period", "24h")
        if period not in PERIODS:
            period = "24h"
        view = request.GET.get("view", ALL_VIEWS)[:200]
        report = build_report(hours=PERIODS[period], view=view)
        context = {
            **self.admin_site.each_context(request),
            "title": "Page timings",
            "opts": self.model._meta,
            "report": report,
            "period": period,
            "periods": list(PERIODS),
            "view": view,
        }
        return TemplateResponse(request, "admin/usage/pagetiming/chart.html", context)


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    """Read-only, for investigating an account that was taken over (what the person sees)."""

    list_display = ("signed_in_at", "person", "ip", "ip_truncated", "reported_at")
    list_filter = ("ip_truncated",)
    search_fields = ("person__email", "person__name")
    date_hierarchy = "signed_in_at"
    fields = ("person", "signed_in_at", "ip", "ip_truncated", "user_agent", "reported_at")
    readonly_fields = fields
    list_select_related = ("person",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
