"""Staff in the admin: complimentary grants, refunds on Stripe, read-only records."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from billing.ledger import balance
from billing.models import LedgerEntry, Purchase, WebhookEvent

from .events import charge, checkout_session, deliver, event

pytestmark = pytest.mark.usefixtures("stripe_keys")


def _allow(user, *codenames: str) -> None:
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="billing", codename__in=codenames)
    )


@pytest.fixture
def admin_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


def test_staff_grant_complimentary_sends_with_their_name_and_reason(admin_client, staff, seeker):
    response = admin_client.post(
        "/admin/billing/ledgerentry/add/",
        {"person_email": "SEEKER@example.com", "sends": "7", "reason": "Sorry for the outage"},
    )

    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.sends, entry.granted_by, entry.reason) == (
        "complimentary",
        7,
        staff,
        "Sorry for the outage",
    )
    assert entry.account.user == seeker
    assert balance(user=seeker) == 7


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"person_email": "nobody@example.com", "sends": "3", "reason": "x"}, b"No active account"),
        ({"person_email": "seeker@example.com", "sends": "0", "reason": "x"}, b"greater than"),
        ({"person_email": "seeker@example.com", "sends": "3", "reason": ""}, b"required"),
    ],
)
def test_a_grant_needs_a_person_a_positive_number_and_a_reason(admin_client, seeker, data, message):
    response = admin_client.post("/admin/billing/ledgerentry/add/", data)

    assert response.status_code == 200
    assert message in response.content
    assert not LedgerEntry.objects.exists()


def test_the_ledger_cannot_be_edited_or_deleted(admin_client, seeker, staff):
    from billing.ledger import grant_complimentary_sends

    entry = grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Welcome")
    page = admin_client.get(f"/admin/billing/ledgerentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="sends"' not in page.content  # shown read-only

    admin_client.post(f"/admin/billing/ledgerentry/{entry.pk}/change/", {"sends": "300"})
    assert admin_client.post(f"/admin/billing/ledgerentry/{entry.pk}/delete/").status_code == 403
    entry.refresh_from_db()
    assert entry.sends == 3


def test_refund_action_asks_stripe_and_the_webhook_takes_the_sends_back(
    admin_client, client, seeker, purchase, stripe_double
):
    deliver(client, event("checkout.session.completed", checkout_session(purchase)))
    assert balance(user=seeker) == 25

    response = admin_client.post(
        "/admin/billing/purchase/",
        {"action": "refund_on_stripe", "_selected_action": [purchase.pk]},
        follow=True,
    )

    (refund_call,) = stripe_double.calls("/v1/refunds")
    assert refund_call.params["payment_intent"] == "pi_test_1"
    assert refund_call.headers["idempotency-key"] == f"jl-refund-{purchase.pk}-0"
    assert b"refund re_test_" in response.content
    # Nothing changes until Stripe confirms the refund.
    assert balance(user=seeker) == 25

    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=2500)))
    assert balance(user=seeker) == 0


def test_an_unpaid_purchase_cannot_be_refunded(admin_client, purchase, stripe_double):
    response = admin_client.post(
        "/admin/billing/purchase/",
        {"action": "refund_on_stripe", "_selected_action": [purchase.pk]},
        follow=True,
    )

    assert b"is Checkout started" in response.content
    assert stripe_double.calls("/v1/refunds") == []


def test_a_stripe_refusal_is_reported_to_staff(admin_client, client, purchase, stripe_double):
    deliver(client, event("checkout.session.completed", checkout_session(purchase)))
    stripe_double.fail_with = 400

    response = admin_client.post(
        "/admin/billing/purchase/",
        {"action": "refund_on_stripe", "_selected_action": [purchase.pk]},
        follow=True,
    )

    assert b"Stripe refused the refund" in response.content
    assert Purchase.objects.get().status == Purchase.Status.PAID


def test_staff_without_the_refund_permission_have_no_refund_action(client, purchase):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import UserFactory

    support = UserFactory(email="support@example.com", is_staff=True)
    TOTP.activate(support, generate_totp_secret())
    _allow(support, "view_purchase")
    client.force_login(support)

    response = client.get("/admin/billing/purchase/")
    refused = client.post(
        "/admin/billing/purchase/",
        {"action": "refund_on_stripe", "_selected_action": [purchase.pk]},
    )

    assert response.status_code == 200
    assert b"refund_on_stripe" not in response.content
    assert b"refund_on_stripe" not in refused.content
    assert Purchase.objects.get().status == Purchase.Status.PENDING


def test_webhook_events_show_type_and_id_but_no_body(admin_client, client, purchase):
    deliver(client, event("checkout.session.completed", checkout_session(purchase)))
    row = WebhookEvent.objects.get()

    response = admin_client.get(f"/admin/billing/webhookevent/{row.pk}/change/")

    assert row.stripe_event_id.encode() in response.content
    assert b"checkout.session.completed" in response.content
    assert b"Privacy Street" not in response.content


def _queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/admin/billing/purchase/", "/admin/billing/ledgerentry/", "/admin/billing/billingaccount/"],
)
def test_admin_lists_have_a_fixed_number_of_queries(admin_client, purchase, plan, staff, url):
    from billing.ledger import grant_complimentary_sends
    from billing.models import BillingAccount
    from tests.factories import UserFactory

    grant_complimentary_sends(user=purchase.account.user, sends=1, staff=staff, reason="x")
    _queries_for(admin_client, url)  # warm up per-session, one-off queries
    few = _queries_for(admin_client, url)
    for _ in range(5):
        person = UserFactory()
        account = BillingAccount.objects.create(user=person)
        Purchase.objects.create(
            account=account, plan=plan, plan_name="x", sends=1, amount=1, currency="gbp"
        )
        grant_complimentary_sends(user=person, sends=1, staff=staff, reason="x")

    assert _queries_for(admin_client, url) == few


def test_staff_see_open_disputes_first_and_cannot_edit_them(admin_client, client, purchase):
    from billing.models import Dispute

    from .events import dispute

    deliver(client, event("checkout.session.completed", checkout_session(purchase)))
    deliver(client, event("charge.dispute.created", dispute(purchase, dispute_id="dp_old")))
    deliver(
        client,
        event("charge.dispute.closed", dispute(purchase, dispute_id="dp_old", status="won")),
    )
    deliver(client, event("charge.dispute.created", dispute(purchase, dispute_id="dp_open")))

    page = admin_client.get("/admin/billing/dispute/").content.decode()

    assert page.index("dp_open") < page.index("dp_old")
    assert "fraudulent" in page and "£25.00" in page
    row = Dispute.objects.get(stripe_dispute_id="dp_open")
    assert admin_client.post(f"/admin/billing/dispute/{row.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/billing/dispute/add/").status_code == 403


def test_staff_review_payment_problems(admin_client, client, purchase):
    from billing.models import PaymentProblem

    deliver(client, event("checkout.session.completed", checkout_session(purchase, amount_total=1)))
    problem = PaymentProblem.objects.get()

    listing = admin_client.get("/admin/billing/paymentproblem/")
    admin_client.post(
        "/admin/billing/paymentproblem/",
        {"action": "mark_reviewed", "_selected_action": [problem.pk]},
    )

    assert b"Amount differs from the purchase" in listing.content
    problem.refresh_from_db()
    assert problem.reviewed_at is not None


def test_staff_see_what_an_account_can_spend_holds_and_owes(
    admin_client, staff, seeker, other_seeker, purchase
):
    import re

    from billing.ledger import consume, grant_complimentary_sends, reserve

    def figures() -> dict[str, str]:
        page = admin_client.get(f"/admin/billing/billingaccount/{purchase.account_id}/change/")
        assert page.status_code == 200
        found = re.findall(
            r'field-(available_sends|held_sends|deficit)\b.*?<div class="readonly">(.*?)</div>',
            page.content.decode(),
            re.S,
        )
        return dict(found)

    deliver(admin_client, event("checkout.session.completed", checkout_session(purchase)))
    leaving = reserve(user=seeker, sends=5)
    deliver(admin_client, event("charge.refunded", charge(purchase, amount_refunded=2500)))
    consume(reservation_id=leaving.pk)  # its emails had left: 5 sends are owed

    assert figures() == {"available_sends": "0", "held_sends": "0", "deficit": "5"}

    grant_complimentary_sends(user=seeker, sends=10, staff=staff, reason="Goodwill")
    reserve(user=seeker, sends=2)
    grant_complimentary_sends(user=other_seeker, sends=9, staff=staff, reason="Goodwill")
    reserve(user=other_seeker, sends=4)  # someone else's: not on this account

    assert figures() == {"available_sends": "3", "held_sends": "2", "deficit": "0"}
