"""Staff: sign-ins (read-only), and how many sign-ups each referring site brought."""

from __future__ import annotations

from django.contrib import admin

from jobletters.admin_site import ReadOnlyAdmin

from .models import SignIn, SignUpSource


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    """For investigating an account that was taken over (what the person sees)."""

    list_display = ("signed_in_at", "person", "ip", "ip_truncated", "reported_at")
    list_filter = ("ip_truncated",)
    search_fields = ("person__email", "person__name")
    date_hierarchy = "signed_in_at"
    fields = ("person", "signed_in_at", "ip", "ip_truncated", "user_agent", "reported_at")
    readonly_fields = fields
    list_select_related = ("person",)
    show_full_result_count = False


@admin.register(SignUpSource)
class SignUpSourceAdmin(ReadOnlyAdmin):
    """Counts per site come from the filter's facets; the person is never shown."""

    list_display = ("referrer_host", "created_at")
    list_filter = ("referrer_host",)
    show_facets = admin.ShowFacets.ALWAYS
    fields = ("referrer_host", "created_at")
    readonly_fields = fields
