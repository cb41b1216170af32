"""A tiny local stand-in for the Stripe API and its hosted Checkout page.

Reached through ``STRIPE_API_BASE`` by the real stripe-python client, so
tests exercise our actual HTTP calls. It records every API request (form
parameters flattened the way Stripe encodes them, e.g. ``line_items[0][price]``),
honours ``Idempotency-Key`` like Stripe does, and serves a fake checkout page
at ``/pay/<session id>`` whose "Pay" button sends the browser to the session's
``success_url``, just as Stripe would. Webhooks are delivered by the test.
"""

from __future__ import annotations

import html
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@dataclass
class StripeDouble:
    requests: list[Recorded] = field(default_factory=list)
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)
    paid: list[str] = field(default_factory=list)
    # Customers deleted through the API (account erasure), in order.
    deleted_customers: list[str] = field(default_factory=list)
    # Set to an HTTP status (e.g. 400) to make the next API calls fail like Stripe does.
    fail_with: int | None = None
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _idempotent: dict[str, tuple[int, dict]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

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
            return 200, {"id": self._new_id("cus"), "object": "customer", **_pick(params, "email")}
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            session_id = self._new_id("cs")
            self.sessions[session_id] = params
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
            return 200, {
                "id": self._new_id("re"),
                "object": "refund",
                "payment_intent": params.get("payment_intent"),
                "status": "succeeded",
            }
        return 404, {"error": {"type": "invalid_request_error", "message": f"No {path}"}}

    def start(self) -> None:
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
                    session_id = self.path.removeprefix("/pay/")
                    params = double.sessions.get(session_id)
                    if params is None:
                        self._send(404, b"No such checkout", "text/plain")
                        return
                    name = params.get("line_items[0][price_data][product_data][name]", "")
                    page = (
                        "<!doctype html><title>Fake Stripe Checkout</title>"
                        f"<h1>Pay Job Letters</h1><p>{html.escape(name)}</p>"
                        f'<form method="post" action="/pay/{session_id}">'
                        '<button type="submit">Pay</button></form>'
                    )
                    self._send(200, page.encode(), "text/html; charset=utf-8")
                    return
                self._api("GET")

            def do_POST(self) -> None:
                if self.path.startswith("/pay/"):
                    session_id = self.path.removeprefix("/pay/")
                    self._body()
                    params = double.sessions[session_id]
                    double.paid.append(session_id)
                    success = params["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
                    self._send(303, b"", "text/plain", Location=success)
                    return
                self._api("POST")

            def do_DELETE(self) -> None:
                self._api("DELETE")

            def _api(self, method: str) -> None:
                params = dict(parse_qsl(self._body(), keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload = double.api(method, self.path, params, headers)
                self._send(status, json.dumps(payload).encode(), "application/json")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _pick(params: dict[str, str], *names: str) -> dict[str, str]:
    return {n: params[n] for n in names if n in params}
