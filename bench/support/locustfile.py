"""The people of bench/load.py, for locust (``locust -f bench/support/locustfile.py``).

Read by locust only: it reads the seeded accounts, tokens and purchases from the JSON
file named by ``BENCH_LOAD_DATA`` (written by bench/load.py). Every request is named
by its page kind, so the statistics are per kind. Requests go to gunicorn on
127.0.0.1 as from a TLS-terminating proxy (``X-Forwarded-Proto: https``); cookies are
kept here by hand because they are ``Secure``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from html_forms import form_fields  # bench/support/html_forms.py (locust adds this folder)
from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["BENCH_LOAD_DATA"]).read())  # noqa: SIM115
ORIGIN = "https://127.0.0.1"
BASE_HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
THINK = between(0.5, 1.5)

# Each step's run takes its own share of what can be used once (files, paid checkouts).
_part, _parts = (int(n) for n in os.environ.get("BENCH_LOAD_PART", "0/1").split("/"))
_editors = itertools.cycle(DATA["editors"])
_senders = itertools.cycle(DATA["senders"])
_exporters = iter(DATA["exporters"])
_purchases = iter(DATA["purchases"][_part::_parts])
_tokens = DATA["tokens"]
_cvs = iter(DATA["cv_pdfs"][_part::_parts])


class _Person(HttpUser):
    abstract = True
    wait_time = THINK
    session_key = ""

    def on_start(self) -> None:
        self.jar: dict[str, str] = {"sessionid": self.session_key} if self.session_key else {}

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {**BASE_HEADERS, **(extra or {})}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        return headers

    def get(self, path: str, name: str, expect: tuple[int, ...] = (200,)) -> str:
        with self.client.get(
            path, name=name, headers=self._headers(), allow_redirects=False, catch_response=True
        ) as response:
            self.jar.update(response.cookies.get_dict())
            if response.status_code not in expect:
                response.failure(f"{response.status_code}")
            return response.text

    def post(self, path: str, name: str, data=None, files=None, expect=(302, 303)) -> int:
        headers = self._headers({"Origin": ORIGIN, "Referer": ORIGIN + path})
        with self.client.post(
            path, name=name, data=data, files=files, headers=headers,
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            self.jar.update(response.cookies.get_dict())
            if response.status_code not in expect:
                response.failure(f"{response.status_code}")
            return response.status_code


class Visitor(_Person):
    """Someone browsing the public pages."""

    weight = 4

    @task(3)
    def landing(self) -> None:
        self.get("/", "anonymous: /")

    @task
    def policy(self) -> None:
        self.get(random.choice(["/privacy/", "/privacy/data/", "/privacy/cookies/"]),
                 "anonymous: privacy pages")  # fmt: skip

    @task
    def support(self) -> None:
        self.get(random.choice(["/support/", "/community/"]), "anonymous: support, community")


class Editor(_Person):
    """A seeker editing their profile and job letter, uploading and deleting CVs."""

    weight = 2

    def on_start(self) -> None:
        self.session_key = next(_editors)
        super().on_start()

    @task(2)
    def dashboard(self) -> None:
        self.get("/dashboard/", "seeker: /dashboard/")

    @task(2)
    def edit_profile(self) -> None:
        html = self.get("/profile/", "seeker: /profile/")
        fields = [(k, v) for k, v in form_fields(html) if k != "headline"]
        fields.append(("headline", f"Commercial lawyer, {random.randint(2, 30)} years"))
        self.post("/profile/", "seeker: POST /profile/", data=fields)

    @task
    def upload_cv(self) -> None:
        html = self.get("/profile/cv/", "seeker: /profile/cv/")
        token = dict(form_fields(html)).get("csrfmiddlewaretoken", "")
        pdf = next(_cvs, None)
        if pdf is None:
            return
        pdf = pdf.encode("latin-1")
        self.post("/profile/cv/", "seeker: POST /profile/cv/ (upload)",
                  data={"csrfmiddlewaretoken": token},
                  files={"file": ("Load CV.pdf", pdf, "application/pdf")})  # fmt: skip
        # The oldest CV that is not the current one goes, so the count stays under the cap.
        html = self.get("/profile/cv/", "seeker: /profile/cv/")
        ids = sorted(set(re.findall(r"/profile/cv/(\d+)/delete/", html)), key=int)
        if len(ids) > 2:
            token = dict(form_fields(html)).get("csrfmiddlewaretoken", "")
            self.post(f"/profile/cv/{ids[0]}/delete/", "seeker: POST CV delete",
                      data={"csrfmiddlewaretoken": token})  # fmt: skip


class Sender(_Person):
    """A seeker looking at matches, then consenting to a send to their best match."""

    weight = 2

    def on_start(self) -> None:
        self.session_key = next(_senders)
        super().on_start()

    @task(3)
    def matches(self) -> None:
        self.get("/recruiters/matches/", "seeker: /recruiters/matches/")

    @task
    def report(self) -> None:
        self.get("/recruiters/sends/", "seeker: /recruiters/sends/")

    @task(2)
    def send(self) -> None:
        # With nobody left to send to, the consent screen goes back to the matches.
        html = self.get("/recruiters/send/?top=1", "seeker: consent screen", expect=(200, 302))
        fields = dict(form_fields(html, "/recruiters/send/"))
        ids = re.findall(r'name="r" value="(\d+)"', html)
        if "digest" not in fields or not ids:
            return  # nobody left to send to: the page says so
        form = [
            ("csrfmiddlewaretoken", fields["csrfmiddlewaretoken"]),
            ("digest", fields["digest"]),
            ("include_contact", "0"),
            ("consent", "on"),
            *[("r", i) for i in ids],
        ]
        self.post("/recruiters/send/", "seeker: POST consent and send", data=form)


class Exporter(_Person):
    """A seeker asking for a copy of their data (once: then the interval applies)."""

    weight = 1

    def on_start(self) -> None:
        self.session_key = next(_exporters, "")
        super().on_start()
        self.asked = not self.session_key

    @task
    def export(self) -> None:
        if not self.session_key:
            self.get("/privacy/data/", "anonymous: privacy pages")
            return
        html = self.get("/privacy/export/", "seeker: /privacy/export/")
        # The form is there only when a copy may be asked for (once per interval).
        token = dict(form_fields(html, "/privacy/export/")).get("csrfmiddlewaretoken")
        if token and not self.asked:
            self.post(
                "/privacy/export/", "seeker: POST export", data={"csrfmiddlewaretoken": token}
            )
            self.asked = True


class Recruiter(_Person):
    """A recruiter opening the private packet page a packet email linked to."""

    weight = 2

    @task
    def packet(self) -> None:
        self.get(f"/p/{random.choice(_tokens)}/", "recruiter: /p/<token>/")


class Stripe(_Person):
    """Stripe telling us a checkout was paid (signed with the test secret); now and then
    the same event again, as Stripe retries."""

    weight = 1

    @task
    def webhook(self) -> None:
        purchase = next(_purchases, None)
        if purchase is None:
            return
        event = {
            "id": f"evt_bench_{purchase['session']}",
            "object": "event",
            "type": "checkout.session.completed",
            "livemode": False,
            "created": int(time.time()),
            "data": {"object": {
                "id": purchase["session"], "object": "checkout.session", "mode": "payment",
                "status": "complete", "payment_status": "paid", "livemode": False,
                "client_reference_id": str(purchase["id"]),
                "payment_intent": f"pi_bench_{purchase['id']}",
                "amount_total": purchase["amount"], "currency": purchase["currency"],
                "metadata": {"purchase_id": str(purchase["id"])},
                "customer_details": {"address": None},
            }},
        }  # fmt: skip
        payload = json.dumps(event)
        for _ in range(2 if random.random() < 0.2 else 1):
            with self.client.post(
                "/billing/webhook/", data=payload, name="stripe: POST webhook",
                headers={**BASE_HEADERS, "Content-Type": "application/json",
                         "Stripe-Signature": _sign(payload)},
                catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code != 200:
                    response.failure(f"{response.status_code}")


class Minimal(_Person):
    """The baseline: the minimal view, as fast as it answers (no think time)."""

    wait_time = between(0, 0)

    @task
    def minimal(self) -> None:
        self.get("/bench/minimal/", "minimal view")


def _sign(payload: str) -> str:
    import hashlib
    import hmac

    stamp = int(time.time())
    digest = hmac.new(
        DATA["webhook_secret"].encode(), f"{stamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={stamp},v1={digest}"
