"""Local test payments: a small stand-in for the Stripe API and its hosted Checkout page.

The real stripe-python client reaches it through ``STRIPE_API_BASE``, so the app's
own code path is the production one: it creates the customer and the Checkout
Session over HTTP, the person is sent to the checkout page, and the purchase is
credited only by a signed ``checkout.session.completed`` webhook that the real
webhook view verifies with ``stripe.Webhook.construct_event``.

Two uses:

* ``make run`` starts it next to the web server (``manage.py local_stripe``, only
  with ``LOCAL_TEST_PAYMENTS`` on, which the settings refuse when DEBUG is off): a
  newcomer can buy a plan without Stripe keys. Its checkout page says "Test payment —
  no money moves"; its Pay button sends the signed webhook to ``webhook_url``, then
  returns to the site's success page, as Stripe would. A refund made by staff is
  answered with a signed ``charge.refunded`` webhook too.
* Tests start it on a free port (``tests/billing/conftest.py``). Without a
  ``webhook_url`` nothing is sent by itself: the test delivers the webhooks it wants.

It records every API request (form parameters flattened the way Stripe encodes
them, e.g. ``line_items[0][price]``) and honours ``Idempotency-Key`` like Stripe.
Everything is kept in memory: a restart forgets open checkouts.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import stripe

# The keys the settings use when LOCAL_TEST_PAYMENTS is on: test-mode keys by their
# prefix, so every event is a test-mode event and no live key can be mistaken for them.
SECRET_KEY = "sk_test_local_job_letters_no_money_moves"  # noqa: S105 (not a secret)
PUBLISHABLE_KEY = "pk_test_local_job_letters_no_money_moves"
WEBHOOK_SECRET = "whsec_local_job_letters_no_money_moves"  # noqa: S105 (not a secret)

WEBHOOK_TIMEOUT_SECONDS = 10

logger = logging.getLogger(__name__)


def sign(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for a payload, by Stripe's scheme (``t=…,v1=…``)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@dataclass
class StripeDouble:
    # Where the Pay button and refunds send signed events; empty: send none.
    webhook_url: str = ""
    webhook_secret: str = ""
    requests: list[Recorded] = field(default_factory=list)
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)
    paid: list[str] = field(default_factory=list)
    # Events sent to webhook_url, in order: (event, HTTP status or error).
    sent_events: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    # Customers deleted through the API (account erasure), in order.
    deleted_customers: list[str] = field(default_factory=list)
    # Set to an HTTP status (e.g. 400) to make the next API calls fail like Stripe does.
    fail_with: int | None = None
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _idempotent: dict[str, tuple[int, dict]] = field(default_factory=dict)
    # Payment intents created by the Pay button: id -> the session they paid.
    _payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    # --- The API ------------------------------------------------------------------

    def api(self, method: str, path: str, params: dict[str, str], headers: dict[str, str]):
        with self._lock:
            self.requests.append(Recorded(method, path, params, headers))
            if self.fail_with:
                return self.fail_with, {
                    "error": {"type": "invalid_request_error", "message": "Double says no."}
                }
            key = headers.get("idempotency-key")
            if key and key in self._idempotent:
                return self._idempotent[key]
            response = self._respond(method, path, params)
            if key:
                self._idempotent[key] = response
            return response

    def _respond(self, method: str, path: str, params: dict[str, str]) -> tuple[int, dict]:
        if (method, path) == ("POST", "/v1/customers"):
            customer = {"id": self._new_id("cus"), "object": "customer"}
            return 200, customer | ({"email": params["email"]} if "email" in params else {})
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            session_id = self._new_id("cs")
            self.sessions[session_id] = params
            logger.info("local test payments: checkout %s opened", session_id)
            return 200, {
                "id": session_id,
                "object": "checkout.session",
                "mode": params.get("mode"),
                "url": f"{self.url}/pay/{session_id}",
                "payment_status": "unpaid",
                "status": "open",
                "client_reference_id": params.get("client_reference_id"),
            }
        if method == "DELETE" and path.startswith("/v1/customers/"):
            customer_id = path.removeprefix("/v1/customers/")
            if customer_id in self.deleted_customers:
                return 404, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such customer: '{customer_id}'",
                    }
                }
            self.deleted_customers.append(customer_id)
            return 200, {"id": customer_id, "object": "customer", "deleted": True}
        if (method, path) == ("POST", "/v1/refunds"):
            refund_id = self._new_id("re")
            payment_intent = params.get("payment_intent", "")
            if self.webhook_url and payment_intent in self._payments:
                # Stripe tells the site about the refund with an event, after answering.
                payment = self._payments[payment_intent]
                charge = {
                    "id": payment["charge"],
                    "object": "charge",
                    "amount": payment["amount"],
                    "amount_refunded": payment["amount"],
                    "refunded": True,
                    "currency": payment["currency"],
                    "payment_intent": payment_intent,
                    "metadata": payment["metadata"],
                    "livemode": False,
                }
                threading.Timer(0.2, self.send_event, args=("charge.refunded", charge)).start()
            return 200, {
                "id": refund_id,
                "object": "refund",
                "payment_intent": payment_intent,
                "status": "succeeded",
            }
        return 404, {"error": {"type": "invalid_request_error", "message": f"No {path}"}}

    # --- The checkout page and its Pay button --------------------------------------

    def checkout_page(self, session_id: str) -> tuple[int, str]:
        params = self.sessions.get(session_id)
        if params is None:
            return 404, _page(
                "No such checkout",
                "<p>This test checkout does not exist (the local payment service forgets "
                "open checkouts when it restarts). Go back to the site and start again.</p>",
            )
        name = params.get("line_items[0][price_data][product_data][name]", "")
        amount = _amount_text(params)
        cancel = params.get("cancel_url", "")
        body = (
            '<p class="badge">Test payment — no money moves</p>'
            f"<h1>Pay Job Letters</h1><p>{html.escape(name)}</p>"
            f'<p class="amount">{html.escape(amount)}</p>'
            "<p>This page stands in for Stripe's checkout on a developer's machine. "
            "No card is asked for and nothing is charged: Pay tells Job Letters the "
            "payment succeeded, the way Stripe would (a signed webhook).</p>"
            f'<form method="post" action="/pay/{html.escape(session_id)}">'
            '<button type="submit">Pay</button></form>'
        )
        if cancel:
            body += f'<p><a href="{html.escape(cancel)}">Cancel and go back</a></p>'
        return 200, _page("Test payment — no money moves", body)

    def pay(self, session_id: str) -> tuple[int, str, str]:
        """The Pay button: (status, page, redirect location or "")."""
        params = self.sessions.get(session_id)
        if params is None:
            return 404, _page("No such checkout", "<p>This test checkout does not exist.</p>"), ""
        with self._lock:
            first = session_id not in self.paid
            if first:
                self.paid.append(session_id)
        if self.webhook_url and first:
            outcome = self.send_event("checkout.session.completed", self._paid_session(session_id))
            if outcome != "200":
                return (
                    502,
                    _page(
                        "The test payment could not be confirmed",
                        "<p>The signed webhook to Job Letters was not accepted "
                        f"({html.escape(outcome)}). Is the web server running?</p>",
                    ),
                    "",
                )
        success = params["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return 303, "", success

    def _paid_session(self, session_id: str) -> dict[str, Any]:
        params = self.sessions[session_id]
        payment_intent = self._new_id("pi")
        amount = _int(params.get("line_items[0][price_data][unit_amount]")) * max(
            _int(params.get("line_items[0][quantity]")), 1
        )
        currency = params.get("line_items[0][price_data][currency]", "")
        metadata = {
            key.removeprefix("metadata[").removesuffix("]"): value
            for key, value in params.items()
            if key.startswith("metadata[")
        }
        self._payments[payment_intent] = {
            "charge": self._new_id("ch"),
            "amount": amount,
            "currency": currency,
            "metadata": metadata,
        }
        return {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode", "payment"),
            "status": "complete",
            "payment_status": "paid",
            "livemode": False,
            "client_reference_id": params.get("client_reference_id"),
            "customer": params.get("customer"),
            "payment_intent": payment_intent,
            "amount_total": amount,
            "currency": currency,
            "metadata": metadata,
            "customer_details": {"address": None},
        }

    def send_event(self, event_type: str, obj: dict[str, Any]) -> str:
        """Send one signed event to ``webhook_url``; returns the HTTP status or the error."""
        event = {
            "id": self._new_id("evt"),
            "object": "event",
            "api_version": stripe.api_version,
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": obj},
        }
        payload = json.dumps(event)
        if not self.webhook_url.startswith(("http://", "https://")):
            raise ValueError("webhook_url must be an http(s) address")
        request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
            self.webhook_url,
            data=payload.encode(),
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": sign(payload, self.webhook_secret),
            },
            method="POST",
        )
        # The address is the site's own webhook, from its settings: http(s) only.
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
                outcome = str(response.status)
        except urllib.error.HTTPError as exc:
            outcome = f"HTTP {exc.code}"
        except OSError as exc:
            outcome = type(exc).__name__
        self.sent_events.append((event, outcome))
        logger.info(
            "local test payments: sent %s for %s to the webhook: %s",
            event_type,
            obj.get("id"),
            outcome,
        )
        return outcome

    # --- Serving -------------------------------------------------------------------

    def start(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve from a background thread (tests); ``port=0`` picks a free port."""
        self._server = self._make_server(host, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def serve_forever(self, *, host: str = "127.0.0.1", port: int) -> None:
        """Serve in the foreground until interrupted (``manage.py local_stripe``)."""
        self._server = self._make_server(host, port)
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _make_server(self, host: str, port: int) -> ThreadingHTTPServer:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> str:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length).decode() if length else ""

            def _send(self, status: int, body: bytes, content_type: str, **headers: str):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.startswith("/pay/"):
                    status, page = double.checkout_page(self.path.removeprefix("/pay/"))
                    self._send(status, page.encode(), "text/html; charset=utf-8")
                    return
                self._api("GET")

            def do_POST(self) -> None:
                if self.path.startswith("/pay/"):
                    self._body()
                    status, page, location = double.pay(self.path.removeprefix("/pay/"))
                    if location:
                        self._send(status, b"", "text/plain", Location=location)
                    else:
                        self._send(status, page.encode(), "text/html; charset=utf-8")
                    return
                self._api("POST")

            def do_DELETE(self) -> None:
                self._api("DELETE")

            def _api(self, method: str) -> None:
                params = dict(parse_qsl(self._body(), keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload = double.api(method, self.path, params, headers)
                self._send(status, json.dumps(payload).encode(), "application/json")

        server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{server.server_address[1]}"
        return server


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _amount_text(params: dict[str, str]) -> str:
    amount = params.get("line_items[0][price_data][unit_amount]")
    currency = params.get("line_items[0][price_data][currency]", "")
    if amount is None:
        return "Priced by a Stripe price id (unknown to local test payments)"
    return f"{_int(amount) / 100:.2f} {currency.upper()}"


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;"
        "padding:0 1rem;color:#1f2933}"
        ".badge{display:inline-block;background:#fff3c4;border:2px solid #b7791f;"
        "padding:.4rem .7rem;border-radius:4px;font-weight:bold}"
        ".amount{font-size:1.5rem;font-weight:bold}"
        "button{font-size:1.1rem;padding:.6rem 2rem}"
        "</style></head><body>"
        f"{body}</body></html>"
    )
