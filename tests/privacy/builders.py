"""A person with every kind of data the registry declares (for export and erasure tests).

When an app declares a new model, add a row of it here: the completeness tests fail
with the list of declarations this person has no data in.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailConfirmation
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from billing.models import (
    BillingAccount,
    Dispute,
    LedgerEntry,
    PaymentProblem,
    Plan,
    Purchase,
    Reservation,
)
from jobletters.lib.files import generate_key
from jobletters.models import OutboxEntry
from privacy.consent import record_consent, record_disclosure
from privacy.models import DeletionRequest, ExportRequest, LegalHold
from profiles.models import CV, ContactDetails, Profile, Target

PDF = b"%PDF-1.4\n% a CV\n" + b"x" * 2048 + b"\n%%EOF\n"

# Declarations a seeker's own data never falls under (rows about other kinds of people).
NOT_ABOUT_SEEKERS: set[str] = set()


def stored(prefix: str, content: bytes, ext: str = "pdf") -> str:
    return default_storage.save(generate_key(prefix, ext), ContentFile(content))


def person_with_everything(user, *, staff, other=None) -> dict:
    """Give ``user`` at least one row of every declared kind; returns the CV for checks."""
    ContactDetails.objects.create(
        user=user, address_line1=f"{user.pk} Privacy Lane", city="London",
        postal_code="N1 9GU", country="GB", phone=f"+44207946{user.pk % 10000:04d}",
    )  # fmt: skip
    profile = Profile.objects.create(user=user, headline="Lawyer", job_letter="<p>Hello</p>")
    _targets(profile)
    cv = CV.objects.create(
        owner=user,
        file=stored("cvs", PDF),
        normalised_file=stored("cv-copies", PDF + b"normalised"),
        original_name="My CV.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        state="ready",
        text="Lawyer in London",
    )
    consent = record_consent(
        person=user,
        purpose="share_with_recruiters",
        granted=True,
        text="Share my CV with Rita Recruiter (Acme Agency).",
        recipients=[{"name": "Rita Recruiter", "agency": "Acme Agency"}],
        reference="send:1",
    )
    disclosure = record_disclosure(
        person=user,
        recipient_kind="recruiter",
        recipient_name="Rita Recruiter (Acme Agency)",
        data_categories=["CV", "job letter"],
        basis="consent",
        consent=consent,
        reference=f"delivery:test-{user.pk}",
    )
    OutboxEntry.objects.create(
        kind="profiles.check_cv", payload={"cv_id": cv.pk}, person=user, state="done"
    )
    plan = Plan.objects.get_or_create(slug="p", defaults={"name": "P", "sends": 5, "price": 500})[0]
    account = BillingAccount.objects.create(
        user=user, stripe_customer_id=f"cus_test_{user.pk}", billing_postal_code="N1 9GU",
        billing_country="GB",
    )  # fmt: skip
    purchase = Purchase.objects.create(
        account=account, plan=plan, plan_name="P", sends=5, amount=500, currency="gbp",
        status="paid", paid_at=timezone.now(), stripe_payment_intent_id=f"pi_{user.pk}",
    )  # fmt: skip
    LedgerEntry.objects.create(account=account, kind="purchase", sends=5, purchase=purchase)
    LedgerEntry.objects.create(
        account=account, kind="complimentary", sends=1, granted_by=staff, reason="Welcome"
    )
    Reservation.objects.create(account=account, sends=1, reference="send:1")
    Dispute.objects.create(
        purchase=purchase, stripe_dispute_id=f"dp_{user.pk}", status="won", amount=500,
        currency="gbp", closed_at=timezone.now(),
    )  # fmt: skip
    PaymentProblem.objects.create(
        stripe_event_id="evt_1", event_type="charge.refunded", problem="amount", purchase=purchase
    )
    address = user.emailaddress_set.first()
    EmailConfirmation.objects.create(email_address=address, key=f"key-{user.pk}")
    TOTP.activate(user, generate_totp_secret())
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    UserSession.objects.create(
        user=user,
        session_key=session.session_key,
        ip=f"198.51.100.{user.pk % 250}",
        user_agent="Firefox",
    )
    for obj in (user, profile):
        LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj) + f" ({user.name})",
            action_flag=CHANGE,
            change_message="Changed by staff",
        )
    ExportRequest.objects.create(
        person=user, state="expired", requested_at=timezone.now() - timedelta(days=10)
    )
    DeletionRequest.objects.create(
        person=user, state="cancelled", grace_ends_at=timezone.now(), due_at=timezone.now(),
        cancelled_at=timezone.now(),
    )  # fmt: skip
    _recruiter_rows(user, consent, disclosure)
    _support_rows(user, staff)
    _community_rows(user, staff)
    _usage_rows(user, session.session_key)
    _legal_and_processor_rows(user, staff)
    LegalHold.objects.create(
        person=user, reason="Old matter", placed_by=staff, released_at=timezone.now(),
        released_by=staff, release_reason="Closed",
    )  # fmt: skip
    return {
        "cv": cv,
        "profile": profile,
        "account": account,
        "session_key": session.session_key,
        "words": words_of(user),
    }


def words_of(user) -> list[str]:
    """What would identify the person if it were left anywhere."""
    return [
        user.email,
        user.name,
        f"{user.pk} Privacy Lane",
        f"+44207946{user.pk % 10000:04d}",
        # Not 203.0.113.x: the notice's own example (203.0.113.77) is in every export.
        f"198.51.100.{user.pk % 250}",
    ]


def _recruiter_rows(user, consent, disclosure) -> None:
    """A send to one recruiter, its delivery, the packet link, one view and one answer."""
    import hashlib

    from recruiters.models import (
        Answer,
        Delivery,
        Introduction,
        PacketAccess,
        PacketLink,
        Recruiter,
        Send,
    )

    recruiter, _ = Recruiter.objects.get_or_create(
        email="rita@acme.example", defaults={"name": "Rita Recruiter", "agency": "Acme Agency"}
    )
    send = Send.objects.create(
        seeker=user, consent=consent, snapshot={"headline": "Lawyer", "name": user.name}
    )
    delivery = Delivery.objects.create(
        send=send,
        seeker=user,
        recruiter=recruiter,
        consent=consent,
        recipient_name="Rita Recruiter, Acme Agency",
        reason="Places lawyers in London",
        role="Lawyer",
        place="London",
        state="opened",
        message_id=f"<delivery-{user.pk}@jobletters.example>",
        disclosure=disclosure,
        sent_at=timezone.now(),
        opened_at=timezone.now(),
        view_count=1,
    )
    token_hash = hashlib.sha256(f"token-{user.pk}".encode()).hexdigest()
    PacketLink.objects.create(
        token_hash=token_hash, delivery=delivery, expires_at=timezone.now() + timedelta(days=30)
    )
    PacketAccess.objects.create(delivery=delivery, kind="view")
    Answer.objects.create(delivery=delivery, kind="interested", message="Let us talk on Monday.")
    Introduction.objects.create(delivery=delivery)


def _targets(profile) -> None:
    """Solicitor in London: a job as the title chosen, in a place."""
    from taxonomy.models import Occupation, OccupationTitle, Place

    lawyers = Occupation.objects.get(code="2611")
    solicitor = OccupationTitle.objects.filter(occupation=lawyers, normalised="solicitor").first()
    london = Place.objects.filter(name="London", country="GB").first()
    Target.objects.create(profile=profile, occupation=lawyers, title=solicitor, place=london)


def _support_rows(user, staff) -> None:
    """A support inquiry with the person's message and a staff answer, and one written
    as a visitor from their address before it was linked to the account."""
    from support.models import Inquiry, InquiryMessage

    inquiry = Inquiry.objects.create(
        person=user, email=user.email, name=user.name, subject="Where is my CV?", signed_in=True
    )
    InquiryMessage.objects.create(inquiry=inquiry, body=f"Hello, this is {user.name}.")
    InquiryMessage.objects.create(inquiry=inquiry, from_staff=True, staff=staff, body="Here.")
    visitor = Inquiry.objects.create(email=user.email, subject="Before I signed up")
    InquiryMessage.objects.create(inquiry=visitor, body="A question from the contact form.")


def _community_rows(user, staff) -> None:
    """A public thread with a place tag and a comment (one hidden by staff), a comment on
    someone else's thread, and a report of someone else's post."""
    from community.models import Comment, Report, Thread
    from taxonomy.models import Place

    place = Place.objects.filter(kind="city").order_by("-population").first()
    thread = Thread.objects.create(
        author=user, title="Job hunting in the city", body="<p>Any tips?</p>", place=place
    )
    Comment.objects.create(
        thread=thread, author=user, body="<p>Answering myself.</p>", hidden_at=timezone.now(),
        hidden_by=staff, hidden_reason="Off topic",
    )  # fmt: skip
    theirs = Thread.objects.create(author=staff, title="Welcome", body="<p>Say hello.</p>")
    Comment.objects.create(thread=theirs, author=user, body="<p>Hello!</p>")
    Report.objects.create(thread=theirs, reporter=user, reason="spam", note="Looks like an ad")


def _usage_rows(user, session_key: str) -> None:
    """A sign-in (IP address, browser) and the site the person came from at sign-up."""
    from usage.models import SignIn, SignUpSource
    from usage.services import session_hash

    SignIn.objects.create(
        person=user, ip=f"198.51.100.{user.pk % 250}", user_agent="Firefox/125.0",
        session_hash=session_hash(session_key),
    )  # fmt: skip
    SignUpSource.objects.create(person=user, referrer_host="news.example.org")


def _legal_and_processor_rows(user, staff) -> None:
    """A legal request the person was told about (disclosed, in their disclosure log), a
    subscription to processor changes from their account and one they confirmed as a
    visitor before signing up, and a processor change made by staff."""
    from privacy.accountability import legal
    from privacy.models import (
        LegalRequest,
        LegalRequestSubject,
        ProcessorChange,
        ProcessorSubscription,
        Subprocessor,
    )

    now = timezone.now()
    request = LegalRequest.objects.create(
        agency="Metropolitan Police", reference=f"CO/{user.pk}", legal_basis="Production order",
        received_on=now.date(), data_categories=["2-1-your-account"], status="disclosed",
        created_by=staff, disclosed_by=staff, disclosed_at=now,
    )  # fmt: skip
    subject = LegalRequestSubject.objects.create(
        request=request, person=user, notified_at=now, disclosed_at=now
    )
    legal._log_disclosure(subject, request)
    ProcessorSubscription.objects.create(person=user)
    ProcessorSubscription.objects.create(email=user.email.upper())
    # The list a data migration fills is gone after a transactional test's flush.
    processor = Subprocessor.objects.order_by("pk").first() or Subprocessor.objects.create(
        name="Stripe", purpose="Payments", data_categories=["2.3"], country="US",
        safeguards="Data processing agreement", since=now.date(),
    )  # fmt: skip
    ProcessorChange.objects.create(
        processor=processor, kind="changed",
        summary="Country: United States → Ireland", changed_by=staff,
    )  # fmt: skip


# --- Versions of the policy and terms (§9) ----------------------------------------------------

TERMS_V1 = (Path(__file__).resolve().parents[2] / "privacy" / "policy" / "terms-v1.txt").read_text(
    encoding="utf-8"
)
# Version 2 of the terms: refunds within 7 days instead of 14 (it reduces people's rights).
TERMS_V2 = TERMS_V1.replace("within 14 days of buying it", "within 7 days of buying it")
assert TERMS_V2 != TERMS_V1


def draft_version(
    *,
    document: str = "terms",
    reduces_rights: bool = True,
    days: float = 45,
    text: str = TERMS_V2,
    changelog: str = "Refunds within 7 days, not 14.",
):
    """A draft that takes effect ``days`` from now (saved through the service)."""
    from privacy.documents import versions
    from privacy.models import PolicyVersion

    version = PolicyVersion(
        document=document,
        text=text,
        changelog=changelog,
        effective_at=timezone.now() + timedelta(days=days),
        reduces_rights=reduces_rights,
    )
    return versions.save_draft(version=version)


def published_version(**kwargs):
    from privacy.documents import versions

    return versions.publish_version(version=draft_version(**kwargs))
