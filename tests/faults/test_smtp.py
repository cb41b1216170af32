"""SMTP that stops answering while packets leave, and a real worker SIGKILLed in each phase.

The mail server (aiosmtpd) sits behind the proxy; a worker's two processes each take
one of a seeker's two packets, the proxy stops answering at one step of the SMTP
conversation, the worker is killed there, the server answers again and a new worker
takes over. Before the final dot of DATA the server has nothing: the packet
is sent again, once. After it, the server may have it: never sent again, and the
seeker's report says "Sent (unconfirmed)".
"""

from __future__ import annotations

import pytest

from .packets import outcome, send_to_recruiters, settled, the_lease_runs_out
from .proxy import CLIENT, SERVER

pytestmark = pytest.mark.worker


def _worker_through(worker, smtp) -> None:
    worker.env.update(EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}", SITE_URL="http://testserver")


def _kill_while_hung(worker, smtp, seeker):
    """Both packets stuck at the proxy's hang, the worker killed; then SMTP is back."""
    _worker_through(worker, smtp)
    worker.start(queues="packets", concurrency=2)
    deliveries = send_to_recruiters(seeker, 2)
    smtp.wait(lambda p: p.hung == 2)
    worker.kill()  # SIGKILL: no goodbye to the server, no cleanup
    smtp.restore()
    worker.start(queues="packets")
    the_lease_runs_out()
    return deliveries


@pytest.mark.parametrize(
    "hang",
    [
        pytest.param({}, id="before the greeting"),
        pytest.param({"after": b"220 ", "side": SERVER}, id="after the greeting"),
        # smtplib writes its commands in lower case
        pytest.param({"after": b"data\r\n", "side": CLIENT}, id="after the DATA command"),
    ],
)
@pytest.mark.fault(
    "SMTP hung before the final dot of DATA (before the greeting, after it, after the "
    "DATA command), the worker SIGKILLed there",
    sees='the report says "Sending", then "Sent"',
    work="sent again by the next worker with the same Message-ID, received once; "
    "one send charged, one disclosure record",
)
@pytest.mark.django_db(transaction=True)
def test_smtp_hung_before_the_final_dot_sends_each_packet_once(hang, seeker, smtp, worker):
    smtp.hang(**hang)
    deliveries = _kill_while_hung(worker, smtp, seeker)

    deliveries = settled(deliveries)
    result = outcome(seeker, deliveries, smtp.sink.wait_for(2))
    assert result.received == {d.message_id: 1 for d in deliveries}
    assert result.statuses == ["Sent", "Sent"]
    assert (result.charged, result.disclosures) == (2, 2)
    assert [d.sent_unconfirmed for d in deliveries] == [False, False]


@pytest.mark.fault(
    "SMTP hung after the final dot of DATA (the server has the packet, its 250 never "
    "comes), the worker SIGKILLed there",
    sees='the report says "Sent (unconfirmed)", with what that means',
    work="never sent again: received once; one send charged, one disclosure record",
)
@pytest.mark.django_db(transaction=True)
def test_smtp_hung_after_the_final_dot_is_sent_unconfirmed_never_twice(seeker, smtp, worker):
    smtp.hang(after=b"\r\n.\r\n", side=CLIENT)
    deliveries = _kill_while_hung(worker, smtp, seeker)

    deliveries = settled(deliveries)
    result = outcome(seeker, deliveries, smtp.sink.messages)
    assert result.received == {d.message_id: 1 for d in deliveries}
    assert result.statuses == ["Sent (unconfirmed)", "Sent (unconfirmed)"]
    assert (result.charged, result.disclosures) == (2, 2)
