"""Who may open what: every URL pattern that names an object, requested as everyone.

Generated from the URL resolver. A pattern that takes an id, a slug or a token says who
may use it with ``@access`` from ``jobletters.access`` on its view (the views of Django's
admin and of allauth are declared below), and has a factory below that builds the owner's
object. Each is then requested (GET and POST) as the owner, another seeker, a visitor,
staff without the permission, and with another link's token; another person's object is
a 404, never a 200 or a 500, and a refusal never shows the owner's details.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.generic import RedirectView

from billing.models import Plan, WebhookEvent
from communications.categories import Category, unsubscribe_token
from jobletters.access import BEARER, OWNER, PUBLIC, SIGNED_IN, STAFF, Access, access_of
from privacy import processors
from privacy.models import ExportRequest, LegalRequest, LegalRequestSubject
from privacy.services import record_consent, record_disclosure
from recruiters import packets, sending
from recruiters.delivery import opt_out_token
from recruiters.models import Delivery, Send
from usage.models import SignIn

from ..communications.builders import announcement
from ..community.builders import comment_by, thread_by
from ..factories import UserFactory
from ..privacy.builders import draft_version, person_with_everything, published_version, stored
from ..recruiters import builders as rb
from ..support.builders import inquiry_for
from ..utils import run_outbox
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
HOW_TO_BUILD = "add a factory for it to FACTORIES in tests/security/test_access_matrix.py"


def _admin_object_view(pattern: Pattern) -> tuple[Any, str] | None:
    """(the ModelAdmin, the permission's action) for Django's admin object views."""
    wrapped = getattr(pattern.view, "__wrapped__", None)
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
    return access_of(pattern.view) or THIRD_PARTY.get(pattern.name)


def object_patterns() -> list[Pattern]:
    return [p for p in patterns() if p.parameters and str(p) not in NOT_OBJECTS]


def own_patterns() -> list[Pattern]:
    return [p for p in object_patterns() if not _admin_object_view(p)]


# --- Who asks ---------------------------------------------------------------------------------


@dataclass
class World:
    seeker: Any
    other_seeker: Any
    staff: Any  # staff with two-factor and no permission at all
    superuser: Any
    made: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self.made:
            self.made[key] = build()
        return self.made[key]

    def client(self, role: str) -> Client:
        client = Client()
        user = {
            "owner": self.seeker,
            "other seeker": self.other_seeker,
            "staff without permission": self.staff,
            "staff with permission": self.superuser,
        }.get(role)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(db) -> World:
    staff = UserFactory(email="desk@example.com", name="Dee Desk", is_staff=True)
    superuser = UserFactory(
        email="boss@example.com", name="Bo Boss", is_staff=True, is_superuser=True
    )
    for user in (staff, superuser):
        TOTP.activate(user, generate_totp_secret())
    return World(
        seeker=UserFactory(email="owner@example.com", name="Oona Owner"),
        other_seeker=UserFactory(email="other@example.com", name="Olive Other"),
        staff=staff,
        superuser=superuser,
    )


# --- Building the owner's object for each pattern -------------------------------------------


def _user_session(w: World) -> dict:
    session = SessionStore()
    session["_auth_user_id"] = str(w.seeker.pk)
    session.create()
    row = UserSession.objects.create(
        user=w.seeker, session_key=session.session_key, ip="198.51.100.4", user_agent="Firefox"
    )
    return {"pk": row.pk}


def _unconfirmed_address_key(w: World) -> str:
    address = w.seeker.emailaddress_set.get()
    address.verified = False
    address.save(update_fields=["verified"])
    return EmailConfirmationHMAC(address).key


def _ready_export(w: World) -> dict:
    row = ExportRequest.objects.create(
        person=w.seeker, state="ready", file=stored("exports", b"PK\x05\x06" + b"\0" * 18, "zip"),
        finished_at=timezone.now(), expires_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    return {"export_id": row.pk}


def _sent_packet(w: World) -> tuple[Delivery, str]:
    """A packet really sent to a recruiter: its delivery and the token in the email."""

    def build() -> tuple[Delivery, str]:
        rb.ready_seeker(w.seeker)
        recruiter = rb.recruiter(occupations=[rb.occupation("2611")], places=[rb.city("London")])
        plan = sending.plan_send(
            seeker=w.seeker, recruiter_ids=[recruiter.pk], include_contact=False
        )
        send = sending.confirm_send(
            seeker=w.seeker, recruiter_ids=[recruiter.pk], include_contact=False,
            consent_given=True, digest=plan.digest,
        )  # fmt: skip
        run_outbox()
        message = next(m for m in mail.outbox if m.to == [recruiter.email])
        token = message.body.split("/p/", 1)[1].split("/", 1)[0]
        return send.deliveries.get(), token

    return w.once("packet", build)


def _legal_request(w: World) -> LegalRequestSubject:
    request = LegalRequest.objects.create(
        agency="Metropolitan Police", reference="CO/1", legal_basis="Production order",
        received_on=timezone.now().date(), data_categories=["2-1-your-account"],
        created_by=w.superuser,
    )  # fmt: skip
    return LegalRequestSubject.objects.create(
        request=request, person=w.seeker, package=stored("legal", b"PK\x05\x06" + b"\0" * 18)
    )


def _published(w: World) -> int:
    return published_version(days=31).version


def _plan() -> Plan:
    return Plan.objects.get_or_create(
        slug="five", defaults={"name": "Five", "sends": 5, "price": 500}
    )[0]


# Each pattern's factory: the owner's object, as the pattern's keyword arguments.
FACTORIES: dict[str, Callable[[World], dict]] = {
    "account_end_session": _user_session,
    "account_not_me_session": _user_session,
    "account_not_me_sign_in": lambda w: {
        "pk": SignIn.objects.create(person=w.seeker, ip="198.51.100.4", user_agent="Firefox").pk
    },
    "account_confirm_email": lambda w: {"key": _unconfirmed_address_key(w)},
    "account_reset_password_from_key": lambda w: {
        "uidb36": user_pk_to_url_str(w.seeker),
        "key": default_token_generator.make_token(w.seeker),
    },
    "privacy:my_data_category": lambda w: {"slug": "2-1-postal-address-and-phone"},
    "privacy:export_status": _ready_export,
    "privacy:export_download": _ready_export,
    "privacy:version_text": lambda w: {"document": "terms", "number": _published(w)},
    "privacy:acknowledge": lambda w: {"document": "terms", "number": _published(w)},
    "privacy:subprocessors_confirm": lambda w: {
        "token": signing.dumps({"email": w.seeker.email}, salt=processors.CONFIRM_SALT)
    },
    "privacy:subprocessors_unsubscribe": lambda w: {
        "token": processors.unsubscribe_token(processors.subscribe_person(person=w.seeker))
    },
    "billing:checkout": lambda w: {"plan": _plan().slug},
    "profiles:cv_set_current": lambda w: {"pk": rb.ready_cv(w.seeker).pk},
    "profiles:cv_delete": lambda w: {"pk": rb.ready_cv(w.seeker).pk},
    "profiles:cv_download": lambda w: {"pk": rb.ready_cv(w.seeker).pk},
    "recruiters:revoke": lambda w: {"pk": _sent_packet(w)[0].pk},
    "recruiters:opt_out": lambda w: {"token": opt_out_token(_sent_packet(w)[0].recruiter_id)},
    "packets:page": lambda w: {"token": _sent_packet(w)[1]},
    "packets:cv": lambda w: {"token": _sent_packet(w)[1]},
    "communications:unsubscribe": lambda w: {
        "token": unsubscribe_token(w.seeker, Category.ANNOUNCEMENTS)
    },
    "support:inquiry": lambda w: {"pk": inquiry_for(w.seeker).pk},
    "community:thread": lambda w: {"pk": thread_by(w.seeker).pk},
    "community:edit_thread": lambda w: {"pk": thread_by(w.seeker).pk},
    "community:delete_thread": lambda w: {"pk": thread_by(w.seeker).pk},
    "community:add_comment": lambda w: {"pk": thread_by(w.seeker).pk},
    "community:report_thread": lambda w: {"pk": thread_by(w.other_seeker).pk},
    "community:edit_comment": lambda w: {"pk": comment_by(w.seeker, thread_by(w.seeker)).pk},
    "community:delete_comment": lambda w: {"pk": comment_by(w.seeker, thread_by(w.seeker)).pk},
    "community:report_comment": lambda w: {
        "pk": comment_by(w.other_seeker, thread_by(w.other_seeker)).pk
    },
    "javascript-catalog": lambda w: {"language": "fr"},
    "admin:accounts_user_person": lambda w: {"pk": w.seeker.pk},
    "admin:privacy_policyversion_publish": lambda w: {"pk": draft_version().pk},
    "admin:privacy_legalrequest_disclose": lambda w: {"pk": _legal_request(w).request_id},
    "admin:privacy_legalrequest_package": lambda w: {
        "pk": (subject := _legal_request(w)).request_id,
        "subject_pk": subject.pk,
    },
    "admin:communications_announcement_preview": lambda w: {"pk": announcement().pk},
    "admin:communications_announcement_test": lambda w: {"pk": announcement().pk},
    "admin:communications_announcement_send": lambda w: {"pk": announcement().pk},
}


def _other_tokens(w: World) -> dict[str, str]:
    """A valid token of every kind we issue, none of them the owner's."""
    return w.once("other tokens", lambda: _tokens_of(w.other_seeker))


def _tokens_of(person: Any) -> dict[str, str]:
    consent = record_consent(person=person, purpose="share_with_recruiters",
                             granted=True, text="Share with Rita.", reference="send:0")  # fmt: skip
    disclosure = record_disclosure(
        person=person, recipient_kind="recruiter", recipient_name="Rita",
        data_categories=["CV"], basis="consent", consent=consent, reference="delivery:other",
    )  # fmt: skip
    send = Send.objects.create(seeker=person, consent=consent, snapshot={})
    delivery = Delivery.objects.create(
        send=send, seeker=person, consent=consent, recipient_name="Rita",
        state="sent", disclosure=disclosure, sent_at=timezone.now(), message_id="<other@example>",
    )  # fmt: skip
    return {
        "packet": packets.issue_link(delivery=delivery),
        "opt-out": opt_out_token(rb.recruiter(occupations=[], places=[]).pk),
        "unsubscribe": unsubscribe_token(person, Category.ANNOUNCEMENTS),
        "processors-confirm": signing.dumps({"email": person.email}, salt=processors.CONFIRM_SALT),
        "processors-unsubscribe": processors.unsubscribe_token(
            processors.subscribe_person(person=person)
        ),
        "email-confirmation": EmailConfirmationHMAC(person.emailaddress_set.get()).key,
        "hash-looking": hashlib.sha256(b"guess").hexdigest(),
    }


# The kind of token each bearer pattern takes (another token of the same kind opens that
# other object, which is its holder's right).
TOKEN_KIND = {
    "packets:page": "packet",
    "packets:cv": "packet",
    "recruiters:opt_out": "opt-out",
    "communications:unsubscribe": "unsubscribe",
    "privacy:subprocessors_confirm": "processors-confirm",
    "privacy:subprocessors_unsubscribe": "processors-unsubscribe",
    "account_confirm_email": "email-confirmation",
}


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
            others = {k: v for k, v in _other_tokens(world).items() if k != kind}
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
        for method in ("get",) if redirect or action == "view" else ("get", "post"):
            response = getattr(clients["staff without permission"], method)(url)
            expected = 302 if redirect else 403
            if response.status_code != expected or not _refused_without_trace(response, world):
                failures.append(
                    f"{method.upper()} {url} as staff without {action} permission: "
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
    from jobletters.access import access

    with pytest.raises(ValueError):
        access("friends")
    with pytest.raises(ValueError):
        access(STAFF)
    with pytest.raises(ValueError):
        access(OWNER, "profiles.view_cv")
