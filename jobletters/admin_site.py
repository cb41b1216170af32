"""The staff admin: models grouped as staff think of them, and a plain refusal for others.

The index and sidebar list the groups below instead of one section per app (ours and
allauth's "Accounts" were two); an app's own page is unchanged, and a model no group names
is listed under "Other" (a test keeps that empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# (slug, title, models as "app_label.model_name", or "app_label.*" for the rest of an app).
GROUPS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    (
        "people",
        _("People"),
        (
            "accounts.user",
            "account.emailaddress",
            "mfa.authenticator",
            "usersessions.usersession",
            "usage.signin",
            "auth.group",
            "profiles.*",
        ),
    ),
    ("billing", _("Billing"), ("billing.*",)),
    ("recruiters", _("Recruiters"), ("recruiters.*",)),
    ("privacy-desk", _("Privacy desk"), ("privacy.*",)),
    (
        "communications",
        _("Communications, support and community"),
        ("communications.*", "support.*", "community.*"),
    ),
    ("taxonomy", _("Taxonomy"), ("taxonomy.*",)),
    ("running", _("Running the site"), ("jobletters.*", "usage.signupsource")),
)
OTHER = ("other", _("Other"))


@dataclass(frozen=True)
class PersonSection:
    """One kind of record on the person page (accounts.admin.UserAdmin.person_view)."""

    model: str  # "app_label.model_name": named, not imported (the shared ground knows no app)
    person: str  # the ORM path from a row to the person it concerns
    columns: tuple[str, ...]  # fields, or display methods of the model's admin (list_display)
    add: bool = False  # offer "Add" with the person filled in (``person`` is a foreign key)


# What staff find about one person, in this order, each row linked to its own admin.
PERSON_PAGE: tuple[PersonSection, ...] = (
    PersonSection("profiles.profile", "user", ("headline", "targets", "open_to_recruiters",
                                               "updated_at")),
    PersonSection("profiles.contactdetails", "user", ("city", "country", "updated_at")),
    PersonSection("profiles.cv", "owner", ("original_name", "state", "is_current",
                                           "uploaded_at")),
    PersonSection("recruiters.delivery", "seeker", ("send_number", "recipient_name", "state",
                                                    "timeline")),
    PersonSection("billing.purchase", "account__user", ("plan_name", "sends", "amount_display",
                                                        "status", "paid_at")),
    PersonSection("billing.ledgerentry", "account__user", ("created_at", "kind", "sends",
                                                           "reason")),
    PersonSection("privacy.consent", "person", ("purpose", "granted", "reference",
                                                "created_at")),
    PersonSection("privacy.disclosure", "person", ("recipient_name", "basis", "disclosed_at")),
    PersonSection("support.inquiry", "person", ("reference", "subject", "state",
                                                "last_message_at")),
    PersonSection("community.thread", "author", ("title", "created_at", "hidden",
                                                 "open_report_count")),
    PersonSection("community.comment", "author", ("__str__", "thread_title", "created_at",
                                                  "hidden")),
    PersonSection("usage.signin", "person", ("signed_in_at", "ip", "reported_at")),
    PersonSection("account.emailaddress", "user", ("email", "primary", "verified")),
    PersonSection("mfa.authenticator", "user", ("type", "created_at", "last_used_at")),
    PersonSection("privacy.exportrequest", "person", ("__str__", "requested_at", "expires_at")),
    PersonSection("privacy.deletionrequest", "person", ("state", "requested_at", "due")),
    PersonSection("privacy.legalrequest", "subjects__person", ("__str__", "received_on",
                                                               "status")),
    PersonSection("privacy.legalhold", "person", ("__str__", "scope", "placed_at",
                                                  "released_at"), add=True),
)  # fmt: skip


def _place(app_label: str, model_name: str) -> tuple[int, int]:
    """(The index of the model's group in GROUPS, its position there); ``len(GROUPS)``: "Other"."""
    for name in (f"{app_label}.{model_name}", f"{app_label}.*"):
        for index, (_slug, _title, members) in enumerate(GROUPS):
            if name in members:
                return index, members.index(name)
    return len(GROUPS), 0


def group_of(app_label: str, model_name: str) -> str:
    """The slug of the group a model is listed under (``"other"`` if none names it)."""
    index, _position = _place(app_label, model_name)
    return GROUPS[index][0] if index < len(GROUPS) else OTHER[0]


class StaffAdminSite(admin.AdminSite):
    site_header = _("Job Letters staff")
    site_title = _("Job Letters staff")
    index_title = _("Staff tools")

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        if app_label is not None:
            return super().get_app_list(request, app_label)
        groups = [*((slug, title) for slug, title, _members in GROUPS), OTHER]
        grouped: dict[int, list[tuple[int, str, dict[str, Any]]]] = {}
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                index, position = _place(app["app_label"], model["model"]._meta.model_name)
                grouped.setdefault(index, []).append((position, str(model["name"]), model))
        return [
            {
                "name": groups[index][1],
                "app_label": groups[index][0],
                # A group spans apps: its title is not a link (templates/admin/app_list.html).
                "app_url": "",
                "has_module_perms": True,
                "models": [row[2] for row in sorted(grouped[index], key=lambda row: row[:2])],
            }
            for index in sorted(grouped)
        ]

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        # Django's history page looks the object up before it checks the permission, and
        # answers a missing one with a redirect: without the permission, the same 403
        # whatever the id, so that staff cannot learn which rows exist.
        model_admin = getattr(view, "__self__", None)
        if getattr(view, "__name__", "") == "history_view" and isinstance(
            model_admin, admin.ModelAdmin
        ):
            history_view = view

            @wraps(history_view)
            def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                if not model_admin.has_view_or_change_permission(request):
                    raise PermissionDenied
                return history_view(request, *args, **kwargs)

        return super().admin_view(view, cacheable)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # Signed in but not staff: a plain "not allowed" page, not an exception whose
        # traceback fills the log. Everyone else signs in through allauth's rate-limited
        # login with two-factor.
        if request.user.is_authenticated and not (request.user.is_active and request.user.is_staff):
            return render(request, "403.html", status=403)
        return secure_admin_login(super().login)(request, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows staff may look at (and act on), never add or edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def permitted_object(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int, *, change: bool):
    """The object of a custom admin view, for a member of staff allowed to see (or change) it.

    Permission is checked before the lookup: without it, an existing and a missing id get
    the same 403, so the answer never tells which ids exist (a legal request's existence
    is itself confidential). The object's own permission is checked once found."""
    allowed = model_admin.has_change_permission if change else model_admin.has_view_permission
    if not allowed(request):
        raise PermissionDenied
    obj = model_admin.model.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not allowed(request, obj):
        raise PermissionDenied
    return obj


def object_context(
    model_admin: admin.ModelAdmin, request: HttpRequest, obj: Any, title: str
) -> dict[str, Any]:
    """The context of a page of one object's own (publish, disclose, send…) in the admin."""
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": title,
    }
