from django.contrib import admin

from .models import Consent, Disclosure, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "effective_at", "created_at")
    ordering = ("-version",)

    def get_readonly_fields(self, request, obj=None):
        # A published version is a record of what people agreed to: never edited.
        return ("version", "effective_at", "text", "changelog") if obj else ()


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """The consent ledger, read-only: rows are evidence, never edited."""

    list_display = ("person", "purpose", "granted", "policy_version", "reference", "created_at")
    list_filter = ("purpose", "granted")
    search_fields = ("person__email", "reference")
    raw_id_fields = ("person",)
    list_select_related = ("person", "policy_version")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """The disclosure log, read-only."""

    list_display = ("person", "recipient_name", "basis", "disclosed_at")
    list_filter = ("recipient_kind", "basis")
    search_fields = ("person__email", "recipient_name", "reference")
    list_select_related = ("person",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
