"""Background work for recruiters: packets from the outbox (see jobletters.outbox), and
the hourly recounts of answer rates and market figures."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from jobletters import outbox

from . import delivery, rates, sending, statistics


@outbox.handler(
    sending.DELIVER_PACKET,
    queue="packets",
    max_attempts=8,
    time_limit=settings.RECRUITERS_PACKET_TIME_LIMIT,
)
def deliver_packet(payload: dict) -> None:
    """Send one packet, exactly once (see recruiters.delivery)."""
    delivery.deliver_packet(delivery_id=payload["delivery_id"])


@deliver_packet.on_give_up
def _deliver_packet_gave_up(payload: dict, error: str) -> None:
    # Never "queued" forever: a packet that cannot leave fails and its send comes back.
    delivery.gave_up(delivery_id=payload["delivery_id"], error=error)


@shared_task
def refresh_answer_rates() -> None:
    """Recount how each recruiter treats packets (run hourly by beat)."""
    rates.refresh_rates()


@shared_task
def refresh_market_figures() -> None:
    """Recount the market figures the matches page shows (run hourly by beat)."""
    statistics.refresh_markets()
