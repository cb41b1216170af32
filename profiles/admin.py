from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from jobletters.admin_site import ReadOnlyAdmin

from . import cvs
from .models import CV, ContactDetails, Profile, Target, with_targets


class TargetInline(admin.TabularInline):
    model = Target
    raw_id_fields = ("occupation", "title", "place")
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "headline", "open_to_recruiters", "updated_at")
    list_filter = ("open_to_recruiters", "seniority")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "headline")
    raw_id_fields = ("user",)
    inlines = [TargetInline]
    readonly_fields = ("created_at", "updated_at", "job_letter_updated_at")

    # Staff's person page (jobletters/admin_site.py) shows this column.
    def get_queryset(self, request: HttpRequest) -> QuerySet[Profile]:
        return super().get_queryset(request).prefetch_related(with_targets())

    @admin.display(description=_("targets"))
    def targets(self, profile: Profile) -> str:
        return ", ".join(target.label for target in profile.targets.all()) or "-"


@admin.register(ContactDetails)
class ContactDetailsAdmin(admin.ModelAdmin):
    list_display = ("user", "city", "country", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "city", "postal_code")
    raw_id_fields = ("user",)


@admin.register(CV)
class CVAdmin(ReadOnlyAdmin):
    """Staff can find and remove a CV (its file goes too); they cannot edit or add one."""

    list_display = (
        "original_name",
        "owner",
        "size_label",
        "state",
        "is_current",
        "text_state",
        "uploaded_at",
    )
    list_filter = ("state", "text_state", "kind", "is_current")
    list_select_related = ("owner",)
    search_fields = ("owner__email", "owner__name", "original_name", "sha256")
    date_hierarchy = "uploaded_at"
    # Staff remove CVs; they do not read them. Without the change permission the rest
    # shows read-only.
    exclude = ("text", "file", "normalised_file")

    @admin.display(description="size", ordering="size")
    def size_label(self, obj: CV) -> str:
        return filesizeformat(obj.size)

    def delete_model(self, request: HttpRequest, obj: CV) -> None:
        cvs.delete_cv(cv=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CV]) -> None:
        for cv in queryset.select_related("owner"):
            cvs.delete_cv(cv=cv)
