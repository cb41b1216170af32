"""The seeker's delivery report in words: per send and recipient, a timeline."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from jobletters.lib.languages import mid_sentence

from . import packets, sending
from .models import Answer, Delivery, Introduction, Send

State = Delivery.State

# Where the recruiter's page is closed whatever the seeker does.
CLOSED = ("Revoked", "Failed", "Opted out", "Left the directory", "Expired")


@dataclass(frozen=True)
class Event:
    label: str
    at: datetime
    detail: str = ""


@dataclass
class PacketLine:
    delivery: Delivery
    status: str
    events: list[Event]

    @property
    def status_label(self) -> str:
        return _(self.status)

    @property
    def introduction(self) -> Introduction | None:
        return packets.introduction_of(self.delivery)

    @property
    def can_decide(self) -> bool:
        """A request for an introduction waits for the seeker, and the packet is open."""
        introduction = self.introduction
        return (
            introduction is not None
            and introduction.decision == Introduction.Decision.PENDING
            and self.status not in CLOSED
        )

    @property
    def acceptance_text(self) -> str:
        return sending.acceptance_text(delivery=self.delivery)

    @property
    def can_revoke(self) -> bool:
        # The page of a recruiter who opted out or left is closed already, an expired one too.
        return self.delivery.is_revocable and self.status not in CLOSED


@dataclass
class SendLine:
    send: Send
    packets: list[PacketLine] = field(default_factory=list)

    @property
    def summary(self) -> str:
        counts = Counter(line.status for line in self.packets)
        return ", ".join(
            _("%(count)d %(status)s") % {"count": n, "status": mid_sentence(_(s))}
            for s, n in counts.items()
        )


# The current answer's kind, as its status word.
ANSWER_STATUS: dict[str, str] = {
    Answer.Kind.INTERESTED: gettext_noop("Interested"),
    Answer.Kind.NOT_NOW: gettext_noop("Not now"),
    Answer.Kind.NOT_A_FIT: gettext_noop("Not a fit"),
}


def _answers(delivery: Delivery) -> list[Answer]:
    """Oldest first (the view prefetches them in that order)."""
    return list(delivery.answers.all())


def _opted_out_at(delivery: Delivery) -> datetime | None:
    recruiter = delivery.recruiter
    if recruiter is None or recruiter.opted_out_at is None or not delivery.sent_at:
        return None
    return recruiter.opted_out_at


def _expired_at(delivery: Delivery) -> datetime | None:
    link = getattr(delivery, "link", None)
    if link is None or delivery.state not in Delivery.DELIVERED:
        return None
    return link.expires_at if link.expires_at <= timezone.now() else None


def status_of(delivery: Delivery) -> str:
    """One word or two for where the packet is now, in English (the page's CSS class too);
    ``PacketLine.status_label`` translates it."""
    if delivery.state == State.REVOKED:
        return gettext_noop("Revoked")
    if delivery.state == State.FAILED:
        return gettext_noop("Failed")
    if _opted_out_at(delivery):
        return gettext_noop("Opted out")
    if delivery.recruiter_id is None and delivery.sent_at:
        return gettext_noop("Left the directory")
    introduction = packets.introduction_of(delivery)
    if introduction is not None and introduction.accepted:
        return gettext_noop("Introduced")
    if introduction is not None and introduction.decision == Introduction.Decision.PENDING:
        return gettext_noop("Introduction requested")
    if answers := _answers(delivery):
        return ANSWER_STATUS[answers[-1].kind]
    if _expired_at(delivery):
        return gettext_noop("Expired")
    if delivery.downloaded_at:
        return gettext_noop("CV link opened")
    if delivery.opened_at:
        return gettext_noop("Opened")
    if delivery.sent_at and delivery.sent_unconfirmed:
        return gettext_noop("Sent (unconfirmed)")
    if delivery.sent_at:
        return gettext_noop("Sent")
    if delivery.state == State.DEFERRED:
        return gettext_noop("Waiting")
    if delivery.state == State.SENDING:
        return gettext_noop("Sending")
    return gettext_noop("Queued")


def timeline(delivery: Delivery) -> list[Event]:
    events = [Event(_("Queued"), delivery.created_at)]
    if delivery.deferred_until and not delivery.sent_at and delivery.state == State.DEFERRED:
        events.append(
            Event(
                _("Waiting"),
                delivery.created_at,
                _("The recruiter's daily limit was reached; it goes out %(date)s.")
                % {"date": date_format(delivery.deferred_until, "DATE_FORMAT")},
            )
        )
    if delivery.sent_at and delivery.sent_unconfirmed:
        events.append(
            Event(
                _("Sent (unconfirmed)"),
                delivery.sent_at,
                _(
                    "The recruiter's mail server received your packet, but our connection "
                    "ended before it confirmed. It most likely arrived; we do not send it "
                    "again, so the recruiter never gets it twice."
                ),
            )
        )
    elif delivery.sent_at:
        events.append(Event(_("Sent"), delivery.sent_at))
    if delivery.opened_at:
        viewed = ngettext(
            "Packet page viewed %(count)d time.",
            "Packet page viewed %(count)d times.",
            delivery.view_count,
        ) % {"count": delivery.view_count}
        events.append(Event(_("Opened"), delivery.opened_at, viewed))
    if delivery.downloaded_at:
        # We hand the recruiter a link to our file store; whether the download finished
        # there we cannot see, so we say what we know.
        opened = ngettext(
            "The CV link was opened %(count)d time.",
            "The CV link was opened %(count)d times.",
            delivery.download_count,
        ) % {"count": delivery.download_count}
        events.append(Event(_("CV link opened"), delivery.downloaded_at, opened))
    for answer in _answers(delivery):
        events.append(
            Event(
                _("Answered: %(answer)s") % {"answer": answer.get_kind_display()},
                answer.answered_at,
                answer.message,
            )
        )
    if introduction := packets.introduction_of(delivery):
        events.append(
            Event(
                _("Introduction requested"),
                introduction.requested_at,
                _("They ask to learn who you are; nothing more is shared unless you accept."),
            )
        )
        if introduction.decided_at and introduction.accepted:
            events.append(
                Event(
                    _("Introduction accepted"),
                    introduction.decided_at,
                    _("They now see your name, contact details and CV."),
                )
            )
        elif introduction.decided_at:
            events.append(
                Event(
                    _("Introduction declined"),
                    introduction.decided_at,
                    _("Nothing more was shared."),
                )
            )
    if opted_out := _opted_out_at(delivery):
        events.append(
            Event(
                _("Opted out"),
                opted_out,
                _("The recruiter asked to receive no more packets; their page is closed."),
            )
        )
    if expired := _expired_at(delivery):
        events.append(Event(_("Expired"), expired, _("The recruiter's link no longer works.")))
    if delivery.failed_at:
        # Stored in English (gettext_noop where it is written): said in the reader's language.
        failure = _(delivery.failure) if delivery.failure else ""
        events.append(Event(_("Failed"), delivery.failed_at, failure))
    if delivery.revoked_at:
        detail = (
            _("The recruiter can no longer open your packet or CV.")
            if delivery.sent_at
            else _("It was never sent; your send was returned to you.")
        )
        events.append(Event(_("Revoked"), delivery.revoked_at, detail))
    return sorted(events, key=lambda e: e.at)


def describe(send: Send) -> SendLine:
    line = SendLine(send=send)
    for delivery in send.deliveries.all():
        line.packets.append(
            PacketLine(delivery=delivery, status=status_of(delivery), events=timeline(delivery))
        )
    return line
