from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from . import holds
from .models import Consent, DeletionRequest, Disclosure, ExportRequest, LegalHold, PolicyVersion


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


# --- Privacy requests: the staff queue --------------------------------------------------------


class _Media:
    css = {"all": ("privacy/admin.css",)}


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    """Every deletion request with its due date; red before it is late, held ones waiting."""

    list_display = ("__str__", "state", "requested_at", "grace_ends_at", "due", "erased_at")
    list_filter = ("state",)
    ordering = ("due_at",)
    raw_id_fields = ("person",)
    readonly_fields = [f.name for f in DeletionRequest._meta.fields]
    Media = _Media

    @admin.display(description="due", ordering="due_at")
    def due(self, obj: DeletionRequest) -> str:
        now = timezone.now()
        if not obj.is_open:
            return format_html("<span>{}</span>", obj.due_at.strftime("%Y-%m-%d"))
        warning = timedelta(days=settings.PRIVACY_DELETION_WARNING_DAYS)
        if obj.due_at <= now:
            css, words = "privacy-late", "late"
        elif obj.due_at - now <= warning:
            css, words = "privacy-due-soon", "due soon"
        else:
            css, words = "privacy-on-time", "on time"
        return format_html(
            '<span class="{}">{} ({})</span>', css, obj.due_at.strftime("%Y-%m-%d"), words
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportRequest)
class ExportRequestAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "requested_at", "finished_at", "expires_at")
    list_filter = ("state",)
    raw_id_fields = ("person",)
    readonly_fields = [f.name for f in ExportRequest._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Staff place a hold with a reason, and release it with one (never delete it)."""

    list_display = ("__str__", "person", "scope", "reference", "placed_at", "released_at")
    list_filter = (("released_at", admin.EmptyFieldListFilter),)
    raw_id_fields = ("person",)
    search_fields = ("person__email", "reference")
    actions = ["release_selected"]

    @admin.display(description="covers")
    def scope(self, obj: LegalHold) -> str:
        return ", ".join(f"§{s}" for s in obj.sections) or "everything"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("person", "sections", "reason")
        return (
            "person",
            "sections",
            "reason",
            "reference",
            "placed_by",
            "placed_at",
            "released_at",
            "released_by",
            "release_reason",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        editable = () if obj.released_at else ("release_reason",)
        return tuple(f for f in self.get_fields(request, obj) if f not in editable)

    def save_model(self, request, obj, form, change):
        if not change:
            hold = holds.place_hold(
                person=obj.person, reason=obj.reason, staff=request.user, sections=obj.sections
            )
            obj.pk = hold.pk
            return
        if obj.release_reason and obj.released_at is None:
            holds.release_hold(
                hold=LegalHold.objects.get(pk=obj.pk), reason=obj.release_reason, staff=request.user
            )

    @admin.action(description="Release the selected holds (reason: released by staff)")
    def release_selected(self, request, queryset):
        for hold in queryset.filter(released_at__isnull=True):
            holds.release_hold(hold=hold, reason="Released by staff.", staff=request.user)
        messages.success(request, "Released.")

    def has_delete_permission(self, request, obj=None):
        return False
