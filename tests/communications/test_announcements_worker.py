"""§8 announcements through real worker processes: one is killed mid-send, another
takes over, and everyone gets the announcement exactly once.

The SMTP server holds one message without answering, so the worker is killed at a
known point: in the middle of an SMTP conversation, with earlier batches queued,
earlier emails sent, and later batches not yet started. The held message is then
refused (the worker is gone), so the only copy anyone receives is the one sent
after the restart.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.utils import timezone

from communications import announcements
from communications.models import Announcement
from jobletters import outbox
from jobletters.models import OutboxEntry

from ..conftest import _free_port
from ..utils import wait_until
from . import builders as b

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class HoldingSink:
    """An SMTP server that accepts ``hold_after`` messages, then holds the next one
    until released, and refuses it (451) once released."""

    def __init__(self, hold_after: int) -> None:
        self.messages: list = []
        self.hold_after = hold_after
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) >= self.hold_after and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.original_content, policy=default_policy))
        return "250 Message accepted for delivery"


@pytest.fixture
def holding_sink():
    from aiosmtpd.controller import Controller

    port = _free_port()
    sink = HoldingSink(hold_after=6)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, sink
    sink.release.set()
    controller.stop()


def test_a_worker_killed_mid_send_leaves_no_duplicate_and_nobody_out(
    worker_process, holding_sink, staff
):
    port, sink = holding_sink
    worker_process.env["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    worker_process.settings.update(MAILING_BATCH_SIZE=4)
    readers = [b.person(f"reader{i}@example.com") for i in range(12)]
    everyone = sorted([staff.email] + [r.email for r in readers])  # 13 people, 4 batches
    announcement = b.announcement()
    Announcement.objects.filter(pk=announcement.pk).update(test_sent_at=timezone.now())
    worker_process.start()

    announcements.start_sending(announcement=Announcement.objects.get(), staff=staff)
    assert wait_until(sink.holding.is_set, timeout=90), worker_process.log()
    worker_process.kill()  # SIGKILL in the middle of the 7th email's SMTP conversation

    emails = OutboxEntry.objects.filter(key__startswith=announcement.key_prefix)
    assert len(sink.messages) == 6
    assert emails.filter(state="running").count() == 1
    assert emails.filter(state="done").count() == 6
    assert Announcement.objects.get().state == "sending"
    sink.release.set()  # the dead worker's message is refused, never delivered
    # The claim of the dead worker runs out (after the email's time limit, a minute).
    OutboxEntry.objects.filter(state="running").update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )

    worker_process.start()

    def finished() -> bool:
        outbox.sweep()  # what beat does every few seconds
        return Announcement.objects.get().state == "sent"

    assert wait_until(finished, timeout=120), worker_process.log()
    received = sorted(str(m["To"]) for m in sink.messages)
    assert received == everyone  # each exactly once
    assert len({m["Message-ID"] for m in sink.messages}) == len(everyone)
    done = Announcement.objects.get()
    assert (done.queued_count, done.sent_count, done.skipped_count, done.failed_count) == (
        13,
        13,
        0,
        0,
    )
    assert emails.count() == 13
