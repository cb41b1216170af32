"""The staff admin: models grouped as staff think of them, and a plain refusal for others.

Django's admin lists models by app, so "Accounts" showed twice (ours and allauth's)
and a person's records were spread over six sections. The index and the sidebar
show the groups below instead; an app's own page (``/admin/<app>/``) is unchanged.
A model no group names is listed under "Other" so it is never hidden (a test
keeps that list empty).
"""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
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


def group_of(app_label: str, model_name: str) -> str:
    """The slug of the group a model is listed under (``"other"`` if none names it)."""
    exact = f"{app_label}.{model_name}"
    for slug, _title, members in GROUPS:
        if exact in members:
            return slug
    for slug, _title, members in GROUPS:
        if f"{app_label}.*" in members:
            return slug
    return OTHER[0]


def _position(app_label: str, model_name: str, members: tuple[str, ...]) -> int:
    exact = f"{app_label}.{model_name}"
    return members.index(exact) if exact in members else members.index(f"{app_label}.*")


class StaffAdminSite(admin.AdminSite):
    site_header = _("Job Letters staff")
    site_title = _("Job Letters staff")
    index_title = _("Staff tools")

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        if app_label is not None:
            return super().get_app_list(request, app_label)
        titles = {slug: title for slug, title, _members in GROUPS} | {OTHER[0]: OTHER[1]}
        members_of = {slug: members for slug, _title, members in GROUPS}
        grouped: dict[str, list[tuple[tuple[int, str], dict[str, Any]]]] = {}
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                name = model["model"]._meta.model_name
                slug = group_of(app["app_label"], name)
                order = (
                    _position(app["app_label"], name, members_of[slug]) if slug in members_of else 0
                )
                grouped.setdefault(slug, []).append(((order, str(model["name"])), model))
        app_list = []
        for slug in [*members_of, OTHER[0]]:
            if slug not in grouped:
                continue
            models = [model for _key, model in sorted(grouped[slug], key=lambda row: row[0])]
            app_list.append(
                {
                    "name": titles[slug],
                    "app_label": slug,
                    # A group spans apps: its title is not a link (templates/admin/app_list.html).
                    "app_url": "",
                    "has_module_perms": True,
                    "models": models,
                }
            )
        return app_list

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # Signed in but not staff: a plain "not allowed" page, not an exception whose
        # traceback fills the log. Everyone else signs in through allauth's rate-limited
        # login with two-factor.
        if request.user.is_authenticated and not (request.user.is_active and request.user.is_staff):
            return _not_allowed(request)
        return secure_admin_login(super().login)(request, extra_context)


def _not_allowed(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)
