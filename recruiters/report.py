"""The seeker's delivery report in words: per send and recipient, a timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.formats import date_format

from .models import Delivery, Send

State = Delivery.State


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
    def can_revoke(self) -> bool:
        return self.delivery.is_revocable


@dataclass
class SendLine:
    send: Send
    packets: list[PacketLine] = field(default_factory=list)

    @property
    def summary(self) -> str:
        counts: dict[str, int] = {}
        for line in self.packets:
            counts[line.status] = counts.get(line.status, 0) + 1
        return ", ".join(f"{n} {status.lower()}" for status, n in counts.items())


def status_of(delivery: Delivery) -> str:
    """One word or two for where the packet is now."""
    if delivery.state == State.REVOKED:
        return "Revoked"
    if delivery.state == State.FAILED:
        return "Failed"
    if delivery.downloaded_at:
        return "CV downloaded"
    if delivery.opened_at:
        return "Opened"
    if delivery.sent_at:
        return "Sent"
    if delivery.state == State.DEFERRED:
        return "Waiting"
    if delivery.state == State.SENDING:
        return "Sending"
    return "Queued"


def timeline(delivery: Delivery) -> list[Event]:
    events = [Event("Queued", delivery.created_at)]
    if delivery.deferred_until and not delivery.sent_at and delivery.state == State.DEFERRED:
        events.append(
            Event(
                "Waiting",
                delivery.created_at,
                "The recruiter's daily limit was reached; it goes out "
                f"{date_format(delivery.deferred_until, 'j M Y')}.",
            )
        )
    if delivery.sent_at:
        events.append(Event("Sent", delivery.sent_at))
    if delivery.opened_at:
        times = f"{delivery.view_count} time{'s' if delivery.view_count != 1 else ''}"
        events.append(Event("Opened", delivery.opened_at, f"Packet page viewed {times}."))
    if delivery.downloaded_at:
        times = f"{delivery.download_count} time{'s' if delivery.download_count != 1 else ''}"
        events.append(Event("CV downloaded", delivery.downloaded_at, f"Downloaded {times}."))
    if delivery.failed_at:
        events.append(Event("Failed", delivery.failed_at, delivery.failure))
    if delivery.revoked_at:
        detail = (
            "The recruiter can no longer open your packet or CV."
            if delivery.sent_at
            else "It was never sent; your send was returned to you."
        )
        events.append(Event("Revoked", delivery.revoked_at, detail))
    return sorted(events, key=lambda e: e.at)


def describe(send: Send) -> SendLine:
    line = SendLine(send=send)
    for delivery in send.deliveries.all():
        line.packets.append(
            PacketLine(delivery=delivery, status=status_of(delivery), events=timeline(delivery))
        )
    return line
