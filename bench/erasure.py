"""Erasure of a heavy person (§5, §7): time, and what is left of them (must be nothing).

The heavy person has a row of every kind the registry declares
(``tests/privacy/builders.person_with_everything``), plus 5 CVs with their stored
copies, 300 sends (each a consent, one packet sent to a recruiter, its disclosure and
its packet link) and two years of sign-ins (two a day). A twin is built alike in the
same run; the baseline is Django's own cascade ``delete()`` of the twin, which knows
nothing of stored files, detached billing records, the Stripe customer or the
tombstone. ``erase_person`` is timed from the call to the goodbye email sent.

Then the residue scan: every column of every table (the person's id in any link to
the account, their email, name, address, phone and IP in any text or JSON), their
sessions and the admin log (``tests/privacy/walk.py``); every file written to the
file store during the run; every key of the cache (Redis). Each must find nothing:
a finding is printed and the script exits with status 1.

    .venv/bin/python bench/erasure.py [--sends 300] [--cvs 5] [--days 730]

Needs PostgreSQL and Redis on 127.0.0.1 (bench/support/services.py); the Stripe API
is the local stand-in (billing/local_stripe.py) in this process. Nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import services

STRIPE_SECRET = "whsec_bench_only"  # a test-mode secret, this bench only


def _heavy_person(run: str, label: str, *, staff, args: argparse.Namespace):
    """A person with every kind of data, ``args.cvs`` CVs, ``args.sends`` sends, sign-ins."""
    from django.db import transaction
    from django.utils import timezone

    from privacy.consent import record_consent
    from recruiters import packets
    from recruiters.directory import RecruiterData, save_recruiters
    from recruiters.models import Delivery, Send
    from recruiters.sending import mark_sent
    from tests.factories import UserFactory
    from tests.privacy.builders import person_with_everything
    from tests.recruiters import builders
    from usage.models import SignIn

    user = UserFactory(email=f"{label}.{run}@bench-erasure.example", name=f"Hana {label} {run}")
    data = person_with_everything(user, staff=staff)
    for n in range(1, args.cvs):
        builders.ready_cv(user, name=f"CV {n}.pdf")
    recruiter_ids, _ = save_recruiters(
        [
            RecruiterData(
                name=f"Erasure Recruiter {n}", agency=f"Agency {n}",
                email=f"r{n}.{label}.{run}@bench-erasure-recruiters.example",
                occupation_ids=[builders.occupation("2611").pk],
                place_ids=[builders.city("London").pk],
            )
            for n in range(args.sends)
        ]
    )  # fmt: skip
    snapshot = packets.build_snapshot(seeker=user, include_contact=True)
    with transaction.atomic():
        for n, recruiter_id in enumerate(recruiter_ids):
            consent = record_consent(
                person=user, purpose="share_with_recruiters", granted=True,
                text=f"I agree that Job Letters sends my CV to Erasure Recruiter {n}.",
                recipients=[{"name": f"Erasure Recruiter {n}"}],
                data_categories=["CV", "job letter"], reference=f"send:{run}:{label}:{n}",
            )  # fmt: skip
            send = Send.objects.create(seeker=user, consent=consent, snapshot=snapshot)
            delivery = Delivery.objects.create(
                send=send, seeker=user, recruiter_id=recruiter_id, consent=consent,
                recipient_name=f"Erasure Recruiter {n} (Agency {n})", reason="Lawyer in London",
                role="Lawyer", place="London", message_id=f"<packet.{uuid.uuid4().hex}@bench>",
            )  # fmt: skip
            packets.issue_link(delivery=delivery)
            mark_sent(delivery_id=delivery.pk)
    now = timezone.now()
    SignIn.objects.bulk_create(
        SignIn(
            person=user,
            signed_in_at=now - timedelta(hours=12 * n),
            ip=f"198.51.100.{user.pk % 250}",
            user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0",
        )
        for n in range(args.days * 2)
    )
    return user, data["words"], recruiter_ids


def _stored_since(start: float) -> list[Path]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file() and p.stat().st_mtime >= start]


def _files_holding(paths: list[Path], words: list[str]) -> list[str]:
    found = []
    for path in paths:
        if not path.exists():
            continue
        body = path.read_bytes()
        for word in words:
            if word.encode() in body or word.lower().encode() in body.lower():
                found.append(f"{path} contains {word!r}")
    return found


def _cache_holding(user_id: int, words: list[str]) -> list[str]:
    """Every key of the cache read back; any holding the person's words or keyed by them."""
    import redis
    from django.conf import settings
    from django.core.cache import cache

    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    found = []
    for raw in client.scan_iter(count=1000):
        key = raw.decode(errors="replace").split(":", 2)[-1]
        text = repr(cache.get(key)) + " " + key
        for word in words:
            if word.lower() in text.lower():
                found.append(f"cache key {key!r} holds {word!r}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--cvs", type=int, default=5)
    parser.add_argument("--days", type=int, default=730, help="days of sign-ins (two a day)")
    args = parser.parse_args()

    from billing.local_stripe import StripeDouble

    stripe_api = StripeDouble(webhook_secret=STRIPE_SECRET)
    stripe_api.start()
    host, port = stripe_api._server.server_address[:2]
    services.configure(
        EMAIL_URL="memorymail://",
        STRIPE_SECRET_KEY="sk_test_bench_only",
        STRIPE_WEBHOOK_SECRET=STRIPE_SECRET,
        STRIPE_API_BASE=f"http://{host}:{port}",
    )
    if problem := services.missing_services():
        print(f"bench/erasure.py: {problem}; skipped")
        return
    services.prepare_database()
    try:
        _run(args, stripe_api)
    finally:
        stripe_api.stop()


def _run(args: argparse.Namespace, stripe_api) -> None:
    from accounts.models import User
    from jobletters import outbox
    from jobletters.lib.emails import EMAIL_KIND
    from privacy.rights.erasure import erase_person
    from recruiters.models import Recruiter
    from tests.factories import UserFactory
    from tests.privacy.walk import rows_referring_to

    run = uuid.uuid4().hex[:8]
    start = time.time() - 1
    staff = UserFactory(email=f"staff.{run}@bench-erasure.example", is_staff=True)
    built = time.perf_counter()
    person, words, recruiters = _heavy_person(run, "heavy", staff=staff, args=args)
    built = time.perf_counter() - built
    files = _stored_since(start)  # the person's, written before the twin's
    twin, _, twin_recruiters = _heavy_person(run, "twin", staff=staff, args=args)
    rows = _rows_about(person)

    baseline = time.perf_counter()
    _cascade_delete(twin)
    baseline = time.perf_counter() - baseline
    for path in set(_stored_since(start)) - set(files):
        path.unlink()  # the twin's files: delete() leaves them behind

    erasing = time.perf_counter()
    result = erase_person(person.pk)
    outbox.run_due(kinds=[EMAIL_KIND])  # the goodbye email, sent and forgotten
    erasing = time.perf_counter() - erasing

    residue = rows_referring_to(person.pk, words)
    residue += _files_holding(_stored_since(start), words)
    residue += [f"{path} is still stored" for path in files if path.exists()]
    residue += _cache_holding(person.pk, words)
    if stripe_api.deleted_customers != [f"cus_test_{person.pk}"]:
        residue.append(f"Stripe customers deleted: {stripe_api.deleted_customers}")

    Recruiter.objects.filter(pk__in=recruiters + twin_recruiters).delete()
    User.objects.filter(pk=staff.pk).delete()

    print(
        f"a heavy person: {args.sends} sends, {args.cvs} CVs, {args.days * 2} sign-ins "
        f"({args.days} days), a row of every declared kind: {rows} rows, {len(files)} stored "
        f"files; built in {built:.1f} s; PostgreSQL + Redis on 127.0.0.1"
    )
    print("| step | seconds | ratio to the baseline |")
    print("|---|---|---|")
    print(f"| baseline: Django's cascade delete() of a twin | {baseline:.2f} | 1.00 |")
    print(f"| erase_person (files, Stripe, detach, delete, tombstone, goodbye email) | "
          f"{erasing:.2f} | {baseline / erasing:.2f} |")  # fmt: skip
    print(f"erasure/cascade ratio: {baseline / erasing:.2f}x; erased {sum(result.counts.values())} "
          f"rows and files")  # fmt: skip
    print(f"residue (tables, file store, cache, Stripe): {len(residue)}")
    for finding in residue:
        print(f"  {finding}")
    if residue:
        raise SystemExit(1)


def _rows_about(user) -> int:
    from privacy.registry.declarations import declarations

    return sum(d.rows_for(user).count() for d in declarations())


def _cascade_delete(user) -> None:
    """Django's delete() of the account and everything pointing at it, nothing more."""
    from django.db import transaction

    from billing.models import Dispute, LedgerEntry, Purchase

    with transaction.atomic():
        # Ledger entries and disputes protect their purchases: Django refuses otherwise.
        LedgerEntry.objects.filter(account__user=user).delete()
        Dispute.objects.filter(purchase__account__user=user).delete()
        Purchase.objects.filter(account__user=user).delete()
        user.delete()


if __name__ == "__main__":
    main()
