"""Packets through real parts: a Celery worker on the broker, SMTP over a socket.

A worker thread (``real_worker``) or real worker processes (``worker_process``,
for SIGKILL) deliver to an aiosmtpd sink; the link in the email is then opened
as the recruiter would.
"""

from __future__ import annotations

import re
import threading
import time
from email.message import EmailMessage

import pytest
from celery.signals import task_postrun
from celery.utils import uuid
from django.test import Client

from config.celery import app as celery_app
from jobletters import outbox
from jobletters.models import OutboxEntry
from recruiters import sending
from recruiters.models import Delivery

from ..conftest import SMTPSink, _free_port
from ..utils import wait_until
from . import builders as b

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://testserver(/p/[A-Za-z0-9_-]{43}/)")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://testserver"
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    settings.OUTBOX_RETRY_MAX_SECONDS = 2


def _ready(seeker):
    b.ready_seeker(seeker)
    return b.recruiter(
        name="Alex Carter", agency="Harper Legal", email="alex@harper.example",
        occupations=[b.occupation("2611")], places=[b.city("London")],
    )  # fmt: skip


def _send(seeker, recruiter) -> Delivery:
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[recruiter.pk])
    send = sending.confirm_send(
        seeker=seeker, recruiter_ids=[recruiter.pk], include_contact=False,
        consent_given=True, digest=plan.digest,
    )  # fmt: skip
    return send.deliveries.get()


def _state(delivery: Delivery) -> str:
    return Delivery.objects.get(pk=delivery.pk).state


def _parts(message: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_a_worker_delivers_the_packet_over_smtp_and_its_link_works(
    site, seeker, real_worker, smtp_sink
):
    alex = _ready(seeker)
    delivery = _send(seeker, alex)

    assert wait_until(lambda: _state(delivery) == "sent", timeout=30)
    (message,) = smtp_sink.wait_for(1)
    delivery.refresh_from_db()
    assert message["X-Envelope-To"] == "alex@harper.example"
    assert message["Subject"] == "Candidate for Lawyers in London: Sam Seeker"
    assert message["Message-ID"] == delivery.message_id
    assert message["Reply-To"] == "seeker@example.com"
    assert message["From"] == "Job Letters <no-reply@jobletters.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<http://testserver(/recruiters/opt-out/[^>]+)>", message["List-Unsubscribe"].strip()
    )
    assert unsubscribe, message["List-Unsubscribe"]
    parts = _parts(message)
    text, html = parts["text/plain"], parts["text/html"]
    for body in (text, html):
        assert "Sam Seeker" in body and "Commercial lawyer, 8 years" in body
        assert "a recruiter who recruits for Lawyers in London" in body  # why they got it
        assert unsubscribe.group(1) in body  # the visible opt-out link
    assert "I advise technology companies on M&A." in text
    assert "<strong>M&amp;A</strong>" in html

    recruiter = Client()
    page = recruiter.get(LINK.search(text).group(1))
    assert page.status_code == 200 and "Sam Seeker" in page.content.decode()
    assert _state(delivery) == "opened"

    # The task handed to the worker again (a redelivery after acks_late): nothing more.
    entry = OutboxEntry.objects.get(key=f"delivery:{delivery.pk}")
    redelivery, ran = uuid(), threading.Event()

    def _ran(task_id: str, **kwargs) -> None:
        if task_id == redelivery:
            ran.set()

    task_postrun.connect(_ran)  # the worker runs in a thread of this process
    try:
        celery_app.send_task(
            "jobletters.tasks.run_outbox_entry",
            args=[entry.pk], queue="packets", task_id=redelivery,
        )  # fmt: skip
        assert ran.wait(timeout=30)  # it ran...
    finally:
        task_postrun.disconnect(_ran)
    assert len(smtp_sink.messages) == 1  # ...and sent nothing


def _listen_later(port: int) -> tuple[SMTPSink, object]:
    from email import message_from_bytes
    from email.policy import default as default_policy

    from aiosmtpd.controller import Controller

    sink = SMTPSink(host="127.0.0.1", port=port)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            sink.messages.append(
                message_from_bytes(envelope.original_content, policy=default_policy)
            )
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    return sink, controller


def test_smtp_down_retries_with_backoff_then_delivers_once(site, seeker, settings, real_worker):
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port  # nothing listens yet
    alex = _ready(seeker)
    delivery = _send(seeker, alex)
    entry = lambda: OutboxEntry.objects.get(key=f"delivery:{delivery.pk}")  # noqa: E731

    assert wait_until(lambda: entry().attempts >= 1 and entry().state == "pending", timeout=30)
    assert "ConnectionRefusedError" in entry().last_error
    assert _state(delivery) == "queued"

    sink, controller = _listen_later(port)
    controller.start()
    try:

        def delivered() -> bool:
            outbox.sweep()  # what beat does
            return _state(delivery) == "sent"

        assert wait_until(delivered, timeout=60)
        time.sleep(1)
        outbox.sweep()
        assert len(sink.messages) == 1
        assert entry().state == "done" and entry().attempts >= 2
    finally:
        controller.stop()


def test_a_broker_down_at_confirmation_loses_nothing_the_sweeper_delivers_later(
    site, seeker, client, broker, smtp_sink, monkeypatch
):
    alex = _ready(seeker)
    client.force_login(seeker)
    saved = broker.conf.broker_url
    broker.conf.broker_url = "redis://127.0.0.1:1/0"  # refuses connections
    celery_app._after_fork()
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    try:
        page = client.get(f"/recruiters/send/?r={alex.pk}").content.decode()
        digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page).group(1)
        response = client.post(
            "/recruiters/send/", {"r": str(alex.pk), "digest": digest, "consent": "on"}
        )
        assert response.status_code == 302  # the seeker is told it is on its way
        delivery = Delivery.objects.get()
        entry = OutboxEntry.objects.get(key=f"delivery:{delivery.pk}")
        assert entry.state == "pending" and entry.enqueued_at is None
    finally:
        broker.conf.broker_url = saved
        celery_app._after_fork()
        outbox._broker_down_until = 0.0

    from celery.contrib.testing.worker import start_worker

    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert outbox.sweep() == 1
        assert wait_until(lambda: _state(delivery) == "sent", timeout=30)
    assert len(smtp_sink.wait_for(1)) == 1


def _slow_sink(delay: float) -> tuple[SMTPSink, object]:
    """An SMTP server that keeps each message, then waits before saying 250."""
    import asyncio
    from email import message_from_bytes
    from email.policy import default as default_policy

    from aiosmtpd.controller import Controller

    sink = SMTPSink(host="127.0.0.1", port=_free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            sink.messages.append(
                message_from_bytes(envelope.original_content, policy=default_policy)
            )
            await asyncio.sleep(delay)
            return "250 Message accepted for delivery"

    return sink, Controller(Handler(), hostname=sink.host, port=sink.port)


def test_a_worker_killed_after_the_mail_server_took_the_packet_never_sends_it_again(
    seeker, worker_process
):
    sink, controller = _slow_sink(delay=3)
    controller.start()
    worker_process.env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}", SITE_URL="http://testserver"
    )
    worker_process.settings["RECRUITERS_PACKET_TIME_LIMIT"] = 5
    try:
        alex = _ready(seeker)
        worker_process.start(queues="packets")
        delivery = _send(seeker, alex)
        assert wait_until(lambda: len(sink.messages) == 1, timeout=60), worker_process.log()
        worker_process.kill()  # SIGKILL while the server is still answering "250"
        assert _state(delivery) == "sending"

        worker_process.start(queues="packets")

        def settled() -> bool:
            outbox.sweep()  # beat: the abandoned entry is handed over again
            return _state(delivery) == "sent"

        assert wait_until(settled, timeout=90), worker_process.log()
        time.sleep(2)
        assert len(sink.messages) == 1
        delivery.refresh_from_db()
        assert delivery.disclosure_id and delivery.sent_at
    finally:
        controller.stop()
