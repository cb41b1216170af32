"""The owner's object for every URL pattern that names one, and the people who ask for it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from billing.models import Plan
from communications.categories import Category, unsubscribe_token
from privacy.consent import record_consent, record_disclosure
from privacy.documents import processors
from privacy.models import ExportRequest, LegalRequest, LegalRequestSubject
from recruiters import own_data, packets, sending
from recruiters.models import Delivery, Introduction, Send
from recruiters.packets import opt_out_token
from usage.models import SignIn

from ..communications.builders import announcement
from ..community.builders import comment_by, thread_by
from ..factories import UserFactory
from ..privacy.builders import draft_version, published_version, stored
from ..recruiters import builders as rb
from ..support.builders import inquiry_for
from ..utils import run_outbox

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


def new_world() -> World:
    """The owner (a seeker), another seeker, staff without permissions and a superuser."""
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


def _asked_introduction(w: World) -> Introduction:
    """The recruiter of the owner's packet asked to be introduced."""
    return Introduction.objects.get_or_create(delivery=_sent_packet(w)[0])[0]


def _own_page_token(recruiter: Any) -> str:
    return own_data.own_page_url(recruiter).rstrip("/").rsplit("/", 1)[1]


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
    return w.once("version", lambda: published_version(days=31).version)


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
    "recruiters:introduction": lambda w: {"pk": _asked_introduction(w).delivery_id},
    "recruiters:own_page": lambda w: {"token": _own_page_token(_sent_packet(w)[0].recruiter)},
    "packets:page": lambda w: {"token": _sent_packet(w)[1]},
    "packets:cv": lambda w: {"token": _sent_packet(w)[1]},
    "packets:answer": lambda w: {"token": _sent_packet(w)[1]},
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


def other_tokens(w: World) -> dict[str, str]:
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
        "own-page": _own_page_token(rb.recruiter(occupations=[], places=[])),
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
    "packets:answer": "packet",
    "recruiters:opt_out": "opt-out",
    "recruiters:own_page": "own-page",
    "communications:unsubscribe": "unsubscribe",
    "privacy:subprocessors_confirm": "processors-confirm",
    "privacy:subprocessors_unsubscribe": "processors-unsubscribe",
    "account_confirm_email": "email-confirmation",
}
