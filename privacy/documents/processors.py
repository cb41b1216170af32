"""Our processors (§3.3, §6): the companies that process personal data for us.

Every change people see is a :class:`~privacy.models.ProcessorChange` in words; changes are
gathered for ``PRIVACY_PROCESSOR_NOTICE_DELAY_SECONDS`` and emailed once to the subscribers.
A visitor subscribes through a signed link that expires (nothing is stored until they
confirm, one confirmation email a day per address); every notice unsubscribes in one click.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobletters.lib import mailing
from jobletters.lib.emails import queue_email
from privacy.models import ChangeNotice, ProcessorChange, ProcessorSubscription, Subprocessor
from privacy.registry.declarations import POLICY_SECTIONS

CONFIRM_SALT = "privacy.processors.subscribe"
UNSUBSCRIBE_SALT = "privacy.processors.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 60 * 60

# The fields people see, in the order a change lists them.
PUBLIC_FIELDS = (
    "name",
    "purpose",
    "data_categories",
    "country",
    "safeguards",
    "website",
    "since",
    "until",
)


def category_choices() -> list[tuple[str, str]]:
    """The kinds of data a processor can handle: the policy's sections on what we collect."""
    return [(n, f"§{n} {_(title)}") for n, title in POLICY_SECTIONS.items() if n.startswith("2.")]


def category_labels(sections: list[str]) -> list[str]:
    titles = dict(category_choices())
    return [titles.get(s, s) for s in sections]


@dataclass
class Listing:
    current: list[Subprocessor]
    planned: list[Subprocessor]
    former: list[Subprocessor]


def listing(today: date | None = None) -> Listing:
    """Processors working for us now, starting later, and those we stopped using (one query)."""
    today = today or timezone.localdate()
    rows = list(Subprocessor.objects.order_by("name", "pk"))
    return Listing(
        current=[p for p in rows if p.since <= today and (p.until is None or p.until >= today)],
        planned=[p for p in rows if p.since > today],
        former=[p for p in rows if p.until is not None and p.until < today and p.since <= today],
    )


def _value_words(name: str, value: Any) -> str:
    if value in (None, "", []):
        return _("(none)")
    if name == "data_categories":
        return ", ".join(category_labels(list(value)))
    if name == "country":
        return str(getattr(value, "name", value))
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _label(name: str) -> str:
    return str(getattr(Subprocessor._meta.get_field(name), "verbose_name", name)).capitalize()


def describe_change(before: Subprocessor | None, after: Subprocessor) -> tuple[str, str] | None:
    """(kind, words) for what a save changes in public; None when nothing people see does."""
    if before is None:
        shown = {n: _value_words(n, getattr(after, n)) for n in PUBLIC_FIELDS}
        words = _(
            "%(name)s will process %(categories)s for us from %(since)s, in %(country)s: "
            "%(purpose)s Safeguards: %(safeguards)s"
        ) % {**shown, "categories": shown["data_categories"]}
        return ProcessorChange.Kind.ADDED, words
    changed = [
        name
        for name in PUBLIC_FIELDS
        if _value_words(name, getattr(before, name)) != _value_words(name, getattr(after, name))
    ]
    if not changed:
        return None
    if "until" in changed and after.until is not None and before.until is None:
        words = _("%(name)s stops processing our data on %(until)s.") % {
            "name": after.name,
            "until": _value_words("until", after.until),
        }
        rest = [n for n in changed if n != "until"]
        if rest:
            words += " " + _changes_words(before, after, rest)
        return ProcessorChange.Kind.REMOVED, words
    return ProcessorChange.Kind.CHANGED, f"{after.name}: {_changes_words(before, after, changed)}"


def _changes_words(before: Subprocessor, after: Subprocessor, names: list[str]) -> str:
    return "; ".join(
        f"{_label(n)}: {_value_words(n, getattr(before, n))} → {_value_words(n, getattr(after, n))}"
        for n in names
    )


def save_processor(
    *, processor: Subprocessor, staff: Any, now: datetime | None = None
) -> ProcessorChange | None:
    """Save an added or edited processor; a change people see is announced to subscribers."""
    now = now or timezone.now()
    with transaction.atomic():
        before = (
            Subprocessor.objects.select_for_update().filter(pk=processor.pk).first()
            if processor.pk
            else None
        )
        described = describe_change(before, processor)
        processor.updated_at = now
        processor.save()
        if described is None:
            return None
        kind, words = described
        notice = _collecting_notice(now)
        change = ProcessorChange.objects.create(
            processor=processor,
            notice=notice,
            kind=kind,
            summary=words,
            changed_by=staff,
            created_at=now,
        )
        mailing.start(notice, due_at=notice.send_after)
    return change


def _collecting_notice(now: datetime) -> ChangeNotice:
    """The notice changes are gathered in until it is sent (one at a time)."""
    delay = timedelta(seconds=settings.PRIVACY_PROCESSOR_NOTICE_DELAY_SECONDS)
    return ChangeNotice.objects.select_for_update().get_or_create(
        kind=ChangeNotice.Kind.PROCESSORS,
        state=ChangeNotice.State.COLLECTING,
        defaults={"send_after": now + delay, "created_at": now},
    )[0]


def notice_context(notice: ChangeNotice) -> dict[str, Any]:
    changes = list(notice.changes.select_related("processor").order_by("created_at", "pk"))
    return {"changes": changes, "list_url": settings.SITE_URL + reverse("privacy:subprocessors")}


def address_of(subscription: ProcessorSubscription) -> str:
    return subscription.person.email if subscription.person else subscription.email


def notice_email(subscription: ProcessorSubscription, shared: dict[str, Any], *, key: str) -> Any:
    person = subscription.person
    if person is not None and not person.is_active:
        return None
    return queue_email(
        template="privacy/emails/processor_notice",
        to=[address_of(subscription)],
        context={**shared, "unsubscribe_url": unsubscribe_url(subscription)},
        person=person,
        key=key,
        # A visitor's notices in the language they subscribed in (an account's: its own).
        language=None if person is not None else (subscription.language or None),
    )


def subscriptions_about(user: Any) -> QuerySet[ProcessorSubscription]:
    """A person's subscription, and one a visitor made from their address before."""
    return ProcessorSubscription.objects.filter(
        Q(person=user) | Q(person__isnull=True, email__iexact=user.email)
    )


def subscribe_person(*, person: Any) -> ProcessorSubscription:
    """A signed-in person subscribes with their account (idempotent, double clicks too)."""
    return ProcessorSubscription.objects.get_or_create(person=person)[0]


def unsubscribe_person(*, person: Any) -> int:
    """Stop the emails for a signed-in person (and a visitor subscription of their address)."""
    deleted, _ = subscriptions_about(person).delete()
    return deleted


def request_visitor_subscription(*, email: str, now: datetime | None = None) -> None:
    """Email a visitor a link that confirms their subscription (nothing stored before); the
    outbox key (the day and a hash of the address) sends an address one such email a day."""
    now = now or timezone.now()
    email = email.strip()
    if ProcessorSubscription.objects.filter(person__isnull=True, email__iexact=email).exists():
        return  # subscribed already; saying so would tell anyone who is
    token = signing.dumps({"email": email}, salt=CONFIRM_SALT)
    queue_email(
        template="privacy/emails/processor_confirm",
        to=[email],
        context={
            "confirm_url": settings.SITE_URL
            + reverse("privacy:subprocessors_confirm", args=[token]),
            "list_url": settings.SITE_URL + reverse("privacy:subprocessors"),
            "days": CONFIRM_MAX_AGE // 86400,
        },
        key=f"processor-subscribe:{now:%Y-%m-%d}:{hashlib.sha256(email.lower().encode()).hexdigest()[:24]}",
    )


def read_confirm_token(token: str) -> str | None:
    """The address a confirmation link stands for, or None (changed, or too old)."""
    try:
        return str(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["email"])
    except signing.BadSignature:
        return None


def confirm_visitor_subscription(*, email: str) -> ProcessorSubscription:
    """The visitor confirmed their address: subscribe it (idempotent, twice at once too)."""
    return ProcessorSubscription.objects.get_or_create(
        person=None,
        email__iexact=email,
        defaults={"email": email, "language": translation.get_language() or ""},
    )[0]


def unsubscribe_token(subscription: ProcessorSubscription) -> str:
    # The moment it was confirmed: a link outlives neither the row nor an id reused later.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        [subscription.pk, int(subscription.confirmed_at.timestamp())]
    )


def unsubscribe_url(subscription: ProcessorSubscription) -> str:
    return settings.SITE_URL + reverse(
        "privacy:subprocessors_unsubscribe", args=[unsubscribe_token(subscription)]
    )


def subscription_for_token(token: str) -> ProcessorSubscription | None:
    try:
        pk, confirmed = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    subscription = ProcessorSubscription.objects.filter(pk=pk).first()
    if subscription is None or int(subscription.confirmed_at.timestamp()) != confirmed:
        return None
    return subscription


def unsubscribe(*, subscription: ProcessorSubscription) -> None:
    ProcessorSubscription.objects.filter(pk=subscription.pk).delete()
