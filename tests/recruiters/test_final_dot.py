"""The moment a packet may have left is the final dot of DATA (recruiters.mail), over SMTP."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage

from billing import ledger
from jobletters import outbox
from jobletters.models import OutboxEntry
from recruiters import delivery as delivery_service
from recruiters.mail import packet_connection
from recruiters.models import Delivery

from ..conftest import SMTPSink, _free_port
from .test_delivery import queued  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


class Server(SMTPSink):
    reply: str = "250 Message accepted for delivery"


@pytest.fixture
def server(settings):
    """An SMTP server whose answer to the final dot the test chooses."""
    from aiosmtpd.controller import Controller

    server = Server(host="127.0.0.1", port=_free_port())

    class Handler:
        async def handle_DATA(self, _server, session, envelope):
            server.messages.append(envelope.original_content)
            return server.reply

    controller = Controller(Handler(), hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    yield server
    controller.stop()


def test_a_mark_that_cannot_be_written_stops_the_message_before_the_dot(server):
    def mark_fails() -> None:
        raise ConnectionError("the database went away")

    message = EmailMessage("Hello", "A body\n.\nwith a line that is a dot", to=["a@example.com"])
    message.connection = packet_connection(before_final_dot=mark_fails)
    with pytest.raises(ConnectionError):
        message.send()
    assert server.messages == []  # the server had the body but never its end

    message.connection = packet_connection(before_final_dot=lambda: None)
    assert message.send() == 1
    (received,) = server.wait_for(1)
    assert b"A body\r\n.\r\nwith a line that is a dot" in received  # dots kept as written


def test_an_accepted_packet_is_marked_then_sent_confirmed(server, queued):  # noqa: F811
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "sent"
    queued.refresh_from_db()
    assert queued.handed_over_at and queued.sent_at and not queued.sent_unconfirmed
    assert len(server.messages) == 1


def test_a_dot_answered_with_a_temporary_error_is_sent_again_later(server, queued, seeker):  # noqa: F811
    server.reply = "451 Try again later"
    entry = OutboxEntry.objects.get(key=f"delivery:{queued.pk}")
    assert outbox.run_entry(entry.pk) == "retry"
    queued.refresh_from_db()
    # The server said it did not take it: no "may have left" mark, nothing used.
    assert queued.state == "queued" and queued.handed_over_at is None
    assert ledger.is_held(reservation_id=queued.reservation_id)


def test_a_dot_answered_with_a_refusal_fails_and_returns_the_send(server, queued, seeker):  # noqa: F811
    server.reply = "554 Message refused"
    entry = OutboxEntry.objects.get(key=f"delivery:{queued.pk}")
    assert outbox.run_entry(entry.pk) == "failed"
    queued.refresh_from_db()
    assert queued.state == Delivery.State.FAILED and queued.sent_at is None
    assert ledger.balance(user=seeker) == 5
