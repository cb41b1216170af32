from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.admin import AuthenticatorAdmin as _AllauthAuthenticatorAdmin  # noqa: F401
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin as _AllauthUserSessionAdmin
from allauth.usersessions.models import UserSession
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    label_for_field,
    lookup_field,
    quote,
)
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.ledger import balance
from jobletters.access import STAFF, access
from jobletters.admin_site import PERSON_PAGE, PersonSection, ReadOnlyAdmin, object_context

from .models import User

# Rows shown per kind of record, newest first; "Show all" lists the rest of one kind.
PERSON_ROWS = 20


@dataclass
class _Shown:
    """One section of the person page, ready for its template."""

    section: PersonSection
    title: str
    list_url: str
    headers: list[str]
    rows: list[tuple[Any, str, list[Any]]] = field(default_factory=list)  # pk, link, cells
    more: bool = False
    action_form: forms.Form | None = None
    add_url: str = ""
    add_label: str = ""


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined", "person_page")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description=_("person page"))
    def person_page(self, user: User) -> str:
        url = reverse("admin:accounts_user_person", args=[user.pk])
        return format_html('<a href="{}">{}</a>', url, _("See everything"))

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.person_view)
        return [path("<int:pk>/person/", view, name="accounts_user_person"), *super().get_urls()]

    # --- The person page: everything that concerns one person -------------------------

    @access(STAFF, "accounts.view_user")
    def person_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        # Permission first: without it, an existing and a missing id get the same 403.
        if not self.has_view_permission(request):
            raise PermissionDenied
        person = get_object_or_404(User, pk=pk)
        sections = {s.model: s for s in PERSON_PAGE if self._section_admin(request, s)}
        if request.method == "POST":
            return self._person_action(
                request, person, sections.get(request.POST.get("section", ""))
            )
        show_all = request.GET.get("all", "")
        shown = [
            self._shown(request, person, section, limit=None if model == show_all else PERSON_ROWS)
            for model, section in sections.items()
        ]
        # A staff view of personal data is recorded (the user's "History" lists it).
        everything = f" (every row of {show_all})" if show_all in sections else ""
        self.log_change(request, person, f"Viewed their person page{everything}.")
        context = {
            **object_context(self, request, person, str(person)),
            "person": person,
            "sends_available": balance(user=person),
            "sections": shown,
        }
        return TemplateResponse(request, "admin/accounts/user/person.html", context)

    def _section_admin(self, request: HttpRequest, section: PersonSection) -> Any:
        """The section's model admin, if this member of staff may see its rows."""
        model_admin = self.admin_site._registry.get(apps.get_model(section.model))
        if model_admin is not None and model_admin.has_view_or_change_permission(request):
            return model_admin
        return None

    def _rows(self, request: HttpRequest, person: User, section: PersonSection) -> Any:
        model_admin = self._section_admin(request, section)
        rows = model_admin.get_queryset(request).filter(**{section.person: person}).order_by("-pk")
        related = model_admin.list_select_related
        if related:  # as the model's own list fetches them (one query, whatever the rows)
            rows = rows.select_related() if related is True else rows.select_related(*related)
        return model_admin, rows

    def _shown(
        self, request: HttpRequest, person: User, section: PersonSection, *, limit: int | None
    ) -> _Shown:
        model_admin, rows = self._rows(request, person, section)
        opts = model_admin.opts
        name = f"admin:{opts.app_label}_{opts.model_name}"
        shown = _Shown(
            section=section,
            title=capfirst(opts.verbose_name_plural),
            list_url=reverse(f"{name}_changelist"),
            headers=[
                str(label_for_field(c, model_admin.model, model_admin)) for c in section.columns
            ],
        )
        found = list(rows[: limit + 1] if limit is not None else rows)
        shown.more = limit is not None and len(found) > limit
        empty = model_admin.get_empty_value_display()
        for obj in found[:limit]:
            cells = [_cell(column, obj, model_admin, empty) for column in section.columns]
            shown.rows.append((obj.pk, reverse(f"{name}_change", args=[quote(obj.pk)]), cells))
        choices = [c for c in model_admin.get_action_choices(request) if c[0] != "delete_selected"]
        if len(choices) > 1:  # more than the blank one
            shown.action_form = model_admin.action_form(auto_id=None)
            action = shown.action_form.fields["action"]
            assert isinstance(action, forms.ChoiceField), "admin action forms choose from a list"
            action.choices = choices
        if section.add and model_admin.has_add_permission(request):
            shown.add_url = f"{reverse(f'{name}_add')}?{section.person}={person.pk}"
            shown.add_label = gettext("Add %(name)s") % {"name": opts.verbose_name}
        return shown

    def _person_action(
        self, request: HttpRequest, person: User, section: PersonSection | None
    ) -> HttpResponse:
        """A list action (refund, release a hold, close an inquiry…) on the person's rows."""
        # Deleting asks for a confirmation page of its own: it is done from the lists.
        if section is None or request.POST.get("action") == "delete_selected":
            return HttpResponseBadRequest()
        model_admin, rows = self._rows(request, person, section)
        # The model's own action machinery: its permissions, messages and selection,
        # limited to this person's rows whatever ids were posted.
        response = model_admin.response_action(request, queryset=rows)
        return response or HttpResponseRedirect(request.get_full_path())


def _cell(column: str, obj: Any, model_admin: admin.ModelAdmin, empty: str) -> Any:
    """A value as the model's own list shows it (Django's changelist does the same)."""
    found, attr, value = lookup_field(column, obj, model_admin)
    if found is None:
        return display_for_value(value, empty, getattr(attr, "boolean", False))
    return display_for_field(value, found, empty)


# allauth's own admin for authenticators shows their data: TOTP secrets and recovery
# seeds. Ours shows only what and when, never the data, and cannot change it; a
# staff member with the delete permission can remove a lost second factor.
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # No filtering on the data through the URL either (a prefix search is an oracle).
        if lookup.split("__", 1)[0] == "data":
            return False
        return super().lookup_allowed(lookup, value, request)


# allauth's searches user sessions by a username our user has not (an error page).
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(_AllauthUserSessionAdmin):
    search_fields = ["user__email", "user__name", "ip"]
