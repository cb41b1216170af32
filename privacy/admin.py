from django.contrib import admin

from .models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "effective_at", "created_at")
    ordering = ("-version",)

    def get_readonly_fields(self, request, obj=None):
        # A published version is a record of what people agreed to: never edited.
        return ("version", "effective_at", "text", "changelog") if obj else ()
