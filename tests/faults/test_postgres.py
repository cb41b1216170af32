"""PostgreSQL cut: pages answer the 503 page whichever layer needed it, sends stay exactly
once, and all comes back by itself."""

from __future__ import annotations

import pytest

from privacy.documents.versions import forget_active_notices

from ..factories import UserFactory
from ..utils import wait_until
from .conftest import Browser, worker_databases
from .packets import outcome, send_to_recruiters, settled, the_lease_runs_out
from .proxy import CLIENT

SIGNED_IN_PAGES = ("/dashboard/", "/profile/", "/recruiters/sends/", "/privacy/data/")

# The first query of each layer of GET /dashboard/, in the order a request makes them.
LAYERS = {
    "session (middleware)": b'FROM "django_session"',
    "authentication (middleware)": b'FROM "accounts_user"',
    "session activity (middleware)": b'"usersessions_usersession"',
    "the view": b'FROM "recruiters_delivery"',
    "a template context processor": b'FROM "privacy_policyversion"',
}


def _unavailable(response) -> bool:
    return (
        response.status_code == 503
        and response["Retry-After"] == "30"
        and b"Briefly unavailable" in response.content
    )


def _answers_again(browser) -> bool:
    # Within the pool's reconnection delay (a second or two); until then, 503s.
    return wait_until(lambda: browser.get("/dashboard/").status_code == 200, timeout=20)


@pytest.mark.fault(
    "PostgreSQL cut during signed-in browsing",
    sees="the 503 page with Retry-After, whichever layer needed the database first "
    "(session, sign-in, a middleware, the view, a template); a visitor's home page still "
    "answers",
    work="nothing is written; pages answer again within seconds of the database coming "
    "back (the pool reconnects), no restart",
)
def test_postgres_cut_while_browsing_signed_in(postgres, browser):
    browser.force_login(UserFactory(email="browsing@example.com"))
    for url in SIGNED_IN_PAGES:
        assert browser.get(url).status_code == 200, url

    # The connection is cut just as each layer's query goes out: a 503, then back at once.
    for layer, query in LAYERS.items():
        browser.logout()  # a new session, so that it is written again
        browser.force_login(UserFactory(email=f"{len(query)}-{layer[:4]}@example.com"))
        forget_active_notices()  # so that the template asks the database again
        postgres.on(query, side=CLIENT, call=postgres.cut)
        assert _unavailable(browser.get("/dashboard/")), layer
        assert _answers_again(browser), layer

    # Cut for a while: open connections dropped, new ones refused.
    postgres.refuse()
    assert _unavailable(browser.get("/dashboard/"))
    visitor = Browser()  # no session: the home page needs no database
    assert visitor.get("/").status_code == 200
    assert visitor.get("/healthz").status_code == 503

    postgres.restore()
    assert _answers_again(browser)
    for url in SIGNED_IN_PAGES:
        assert browser.get(url).status_code == 200, url
    assert visitor.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "moment",
    [
        # smtplib writes its commands in lower case
        pytest.param(b"data\r\n", id="before the final dot"),
        pytest.param(b"\r\n.\r\n", id="as the final dot leaves"),
    ],
)
@pytest.mark.fault(
    "PostgreSQL cut during a packet send (the worker's database, at the DATA command or "
    "as the final dot leaves)",
    sees='the report says "Sending", then "Sent" (cut before the dot) or "Sent, '
    'unconfirmed" (cut after it: the sent mark could not be written)',
    work="before the dot: the server drops the unfinished message and the packet is sent "
    "again once the database is back; after it: never sent again. Received once, one "
    "send charged, one disclosure record",
)
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_postgres_cut_during_a_send(moment, seeker, smtp, postgres_proxy, worker):
    worker.settings["DATABASES"] = worker_databases(postgres_proxy)
    worker.env.update(EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}", SITE_URL="http://testserver")
    smtp.on(moment, side=CLIENT, call=postgres_proxy.refuse)
    worker.start(queues="packets")
    (delivery,) = send_to_recruiters(seeker, 1)
    # The worker's run ends on the database error (its entry and packet left as they were).
    ended = wait_until(lambda: "raised unexpected" in worker.log(), timeout=30)
    assert ended, worker.log()

    postgres_proxy.restore()
    the_lease_runs_out()
    (delivery,) = settled([delivery])
    result = outcome(seeker, [delivery], smtp.sink.wait_for(1))
    assert result.received == {delivery.message_id: 1}
    after_the_dot = moment == b"\r\n.\r\n"
    assert result.statuses == ["Sent (unconfirmed)" if after_the_dot else "Sent"]
    assert (result.charged, result.disclosures) == (1, 1)
