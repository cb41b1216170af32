"""Who may open what: every URL pattern that names an object, requested as everyone.

Generated from the URL resolver. A pattern that takes an id, a slug or a token says who
may use it with ``@access`` from ``jobletters.access`` on its view (the views of Django's
admin and of allauth are declared below), and has a factory in ``builders.py`` that builds
the owner's object. Each is then requested (GET and POST) as the owner, another seeker, a visitor,
staff without the permission, and with another link's token; another person's object is
a 404, never a 200 or a 500, and a refusal never shows the owner's details.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.views.generic import RedirectView

from billing.models import WebhookEvent
from jobletters.access import BEARER, OWNER, PUBLIC, SIGNED_IN, STAFF, Access, access

from ..communications.builders import announcement
from ..privacy.builders import person_with_everything, published_version
from .builders import FACTORIES, TOKEN_KIND, World, other_tokens
from .urlmap import Pattern, patterns

# Parameters that name no object: the admin's app pages and its "not found" catch-all.
NOT_OBJECTS = {"admin:app_list", "admin/(?P<url>.*)$"}

# Views we do not write, declared here: allauth's links carry their own keys.
THIRD_PARTY = {
    "account_confirm_email": Access(BEARER),
    "account_reset_password_from_key": Access(BEARER),
}
# allauth answers an unknown key with its own page (200) that names no one.
UNKNOWN_KEY_PAGE = {"account_confirm_email", "account_reset_password_from_key"}

# Django's admin object views check the model's permission themselves (before the object
# is looked up); ours override some of them and keep that contract.
ADMIN_OBJECT_VIEWS = {
    "change_view": "change",
    "delete_view": "delete",
    "history_view": "view",
    "user_change_password": "change",
}

HOW_TO_DECLARE = (
    "put @access(OWNER), @access(PUBLIC), @access(SIGNED_IN), @access(BEARER) or "
    '@access(STAFF, "app_label.codename") from jobletters.access on its view '
    "(docs/architecture.md, 'Who may open what')"
)
HOW_TO_BUILD = "add a factory for it to FACTORIES in tests/security/builders.py"


def _admin_object_view(pattern: Pattern) -> tuple[Any, str] | None:
    """(the ModelAdmin, the permission's action) for Django's admin object views."""
    wrapped = getattr(pattern.view, "__wrapped__", None)
    # The admin site may wrap a view once more (the history page's permission check).
    while not hasattr(wrapped, "__self__") and hasattr(wrapped, "__wrapped__"):
        wrapped = wrapped.__wrapped__
    admin = getattr(wrapped, "__self__", None)
    if admin is not None and getattr(wrapped, "__name__", "") in ADMIN_OBJECT_VIEWS:
        return admin, ADMIN_OBJECT_VIEWS[wrapped.__name__]
    # "<id>/" on its own redirects to the change page, through the admin's own check.
    if getattr(wrapped, "view_class", None) is RedirectView:
        return pattern.route.split("/")[1:3], "view"
    # "View on site": no model has an address of its own, so a 404 for any staff.
    if pattern.name == "admin:view_on_site":
        return None, "view"
    return None


def declaration(pattern: Pattern) -> Access | None:
    # The admin's wrapper keeps the function's attributes, ``access`` among them.
    return getattr(pattern.view, "access", None) or THIRD_PARTY.get(pattern.name)


def object_patterns() -> list[Pattern]:
    return [p for p in patterns() if p.parameters and str(p) not in NOT_OBJECTS]


def own_patterns() -> list[Pattern]:
    return [p for p in object_patterns() if not _admin_object_view(p)]


# --- The test ---------------------------------------------------------------------------------


def test_every_pattern_that_names_an_object_is_declared_and_built():
    problems = []
    for pattern in object_patterns():
        if _admin_object_view(pattern):
            continue
        if declaration(pattern) is None:
            problems.append(f"{pattern} ({pattern.route}) declares no access: {HOW_TO_DECLARE}")
        if pattern.name not in FACTORIES:
            problems.append(f"{pattern} ({pattern.route}) has no factory: {HOW_TO_BUILD}")
    assert not problems, "\n".join(problems)
    assert not set(FACTORIES) - {p.name for p in own_patterns()}, "factories for no pattern"


def _tampered(value: str) -> str:
    return value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")


def _refused_without_trace(response, w: World) -> bool:
    body = b"" if response.streaming else response.content
    return w.seeker.email.encode() not in body and w.seeker.name.encode() not in body


def _answered(response, method: str) -> bool:
    """Served: a page, a file or a redirect (a form posted empty may say what is missing)."""
    return response.status_code < 400 or (method == "post" and response.status_code == 400)


def _signed_out(response, *, admin: bool) -> bool:
    login = reverse("admin:login") if admin else reverse("account_login")
    return response.status_code == 302 and response["Location"].startswith(login)


@pytest.mark.parametrize(
    "pattern", [p for p in own_patterns() if declaration(p) and p.name in FACTORIES], ids=str
)
def test_access_matrix(pattern, world):
    rule = declaration(pattern)
    kwargs = FACTORIES[pattern.name](world)
    url = reverse(pattern.name, kwargs=kwargs)
    admin = rule.rule == STAFF
    owner = "staff with permission" if admin else "owner"
    if rule.rule == BEARER:
        owner = "visitor"  # the link is the key: whoever holds it, signed in or not
    failures: list[str] = []

    def check(role: str, method: str, target: str, ok: bool, response) -> None:
        if response.status_code >= 500 or not ok:
            failures.append(f"{method} {target} as {role}: {response.status_code}")

    denied_roles = ["visitor", "other seeker", "staff without permission"]
    for method in ("get", "post"):
        refused_method = set()
        # A link may work once (a confirmation, an unsubscription): its holder posts it last.
        roles = denied_roles if method == "get" or rule.rule != BEARER else []
        for role in roles:
            response = getattr(world.client(role), method)(url)
            status = response.status_code
            if status == 405:
                refused_method.add(role)
                continue
            if rule.rule in (PUBLIC, BEARER) or (rule.rule == SIGNED_IN and role != "visitor"):
                ok = _answered(response, method)
            elif role == "visitor" or (admin and role == "other seeker"):
                ok = _signed_out(response, admin=admin)
            elif admin:
                ok = status == 403 and _refused_without_trace(response, world)
            else:
                ok = status == 404 and _refused_without_trace(response, world)
            check(role, method.upper(), url, ok, response)
        if rule.rule == BEARER:
            kind = TOKEN_KIND.get(pattern.name)
            others = {k: v for k, v in other_tokens(world).items() if k != kind}
            targets = [{name: _tampered(value) for name, value in kwargs.items()}]
            if len(kwargs) == 1:
                targets += [{next(iter(kwargs)): token} for token in others.values()]
            for wrong in targets:
                response = getattr(world.client("visitor"), method)(
                    reverse(pattern.name, kwargs=wrong)
                )
                if response.status_code == 405:
                    continue
                if pattern.name in UNKNOWN_KEY_PAGE:
                    ok = response.status_code < 500 and _refused_without_trace(response, world)
                else:
                    ok = response.status_code == 404 and _refused_without_trace(response, world)
                check("holder of another token", method.upper(), str(wrong), ok, response)
        response = getattr(world.client(owner), method)(url)
        if response.status_code == 405:
            continue
        check(owner, method.upper(), url, _answered(response, method), response)
        for role in refused_method:  # only a method the view refuses to everyone is a 405
            failures.append(f"{method.upper()} {url} as {role}: 405, but the owner's was not")
    assert not failures, f"{rule}:\n" + "\n".join(failures)


def test_admin_object_views_need_the_models_permission(world):
    """Django's admin object views of every model: staff without the permission get a 403,
    people who are not staff the admin's sign-in; staff with it see the object."""
    person_with_everything(world.seeker, staff=world.superuser, other=world.other_seeker)
    # Rows of the models no person's data includes.
    published_version(days=31)  # and its change notice
    announcement()
    Group.objects.create(name="Privacy desk")
    WebhookEvent.objects.create(
        stripe_event_id="evt_1", type="checkout.session.completed", status="processed"
    )
    failures = []
    roles = ("visitor", "other seeker", "staff without permission", "staff with permission")
    clients = {role: world.client(role) for role in roles}
    seen_change = set()
    for pattern in object_patterns():
        found = _admin_object_view(pattern)
        if not found:
            continue
        admin, action = found
        if admin is None:
            url = reverse(pattern.name, args=[1, world.seeker.pk])
            for role in ("visitor", "other seeker"):
                if not _signed_out(clients[role].get(url), admin=True):
                    failures.append(f"GET {url} as {role}")
            for role in ("staff without permission", "staff with permission"):
                if clients[role].get(url).status_code != 404:
                    failures.append(f"GET {url} as {role}: a model has an address now")
            continue
        # The "<id>/" redirect names its model by app label and model name.
        model = apps.get_model(*admin) if isinstance(admin, list) else admin.model
        row = model._default_manager.order_by("pk").first()
        if row is None:
            failures.append(f"{pattern}: no {model._meta.label} row: {HOW_TO_BUILD}")
            continue
        url = "/" + pattern.route.replace("<path:object_id>", str(row.pk)).replace(
            "<id>", str(row.pk)
        )
        redirect = getattr(pattern.view.__wrapped__, "view_class", None) is RedirectView
        change = pattern.name.endswith("_change")
        # The admin's sign-in check is one wrapper around every view: its change page
        # stands for the model's. The permission is each view's own: all of them, and
        # POST where a view changes something.
        for role in ("visitor", "other seeker") if change else ():
            for method in ("get", "post"):
                response = getattr(clients[role], method)(url)
                if not _signed_out(response, admin=True):
                    failures.append(f"{method.upper()} {url} as {role}: {response.status_code}")
        # A row that does not exist is refused alike: no way to learn which ids exist.
        missing = url.replace(f"/{row.pk}/", "/987654321/", 1)
        for method in ("get",) if redirect or action == "view" else ("get", "post"):
            for address in (url,) if redirect else (url, missing):
                response = getattr(clients["staff without permission"], method)(address)
                expected = 302 if redirect else 403
                if response.status_code != expected or not _refused_without_trace(response, world):
                    failures.append(
                        f"{method.upper()} {address} as staff without {action} permission: "
                        f"{response.status_code}"
                    )
        if change and model not in seen_change:
            seen_change.add(model)
            response = clients["staff with permission"].get(url)
            if response.status_code != 200:
                failures.append(f"GET {url} as staff with permission: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert len(seen_change) > 30


def test_a_rule_is_one_the_matrix_knows():
    with pytest.raises(ValueError):
        access("friends")
    with pytest.raises(ValueError):
        access(STAFF)
    with pytest.raises(ValueError):
        access(OWNER, "profiles.view_cv")
