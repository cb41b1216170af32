"""Staff see the outbox: what is waiting, what failed and why, and can run it again.

The rows are the workers' record: staff look and run failed work again, never edit or
delete a row (a deleted entry is work silently lost)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .admin_site import ReadOnlyAdmin
from .models import OutboxEntry


@admin.register(OutboxEntry)
class OutboxEntryAdmin(ReadOnlyAdmin):
    list_display = ("kind", "state", "attempts", "created_at", "due_at", "error")
    list_filter = ("state", "kind", "queue")
    search_fields = ("person__email", "person__name", "kind")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("run_again",)
    show_full_result_count = False
    # The payload can hold a queued email's text: staff see the work, not the message.
    fields = (
        "kind",
        "queue",
        "state",
        "attempts",
        "max_attempts",
        "due_at",
        "enqueued_at",
        "lease_until",
        "created_at",
        "started_at",
        "finished_at",
        "last_error",
    )
    readonly_fields = fields

    @admin.display(description=_("last error"))
    def error(self, entry: OutboxEntry) -> str:
        return Truncator(entry.last_error).chars(80)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("jobletters.change_outboxentry")

    @admin.action(description=_("Run again (failed or waiting entries)"), permissions=["retry"])
    def run_again(self, request: HttpRequest, queryset: QuerySet[OutboxEntry]) -> None:
        count = outbox.retry_now(queryset.values_list("pk", flat=True))
        message = ngettext(
            "%(count)d entry will run again shortly.",
            "%(count)d entries will run again shortly.",
            count,
        ) % {"count": count}
        if count < len(queryset):
            message += " " + _("Entries running or done were left alone.")
        self.message_user(request, message, messages.SUCCESS)
