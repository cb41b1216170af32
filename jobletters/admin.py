"""Staff see the outbox: what is waiting, what failed and why, and can retry it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import outbox
from .models import OutboxEntry


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ("kind", "state", "attempts", "due_at", "created_at", "finished_at", "error")
    list_filter = ("state", "kind", "queue")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("retry",)
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

    @admin.display(description="last error")
    def error(self, entry: OutboxEntry) -> str:
        return entry.last_error[:120]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry now", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEntry]) -> None:
        count = outbox.retry_now(queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} entries will run again shortly.", messages.SUCCESS)
