"""The send ledger: reserve / consume / release, and balances that never go negative."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from billing.ledger import (
    InsufficientSends,
    ReservationNotHeld,
    balance,
    consume,
    grant_complimentary_sends,
    release,
    reserve,
    spend,
)
from billing.models import LedgerEntry, Reservation


@pytest.fixture
def ten_sends(seeker, staff):
    grant_complimentary_sends(user=seeker, sends=10, staff=staff, reason="Welcome")
    return seeker


def test_a_person_without_an_account_has_nothing_to_spend(seeker):
    assert balance(user=seeker) == 0
    with pytest.raises(InsufficientSends):
        spend(user=seeker, sends=1)


def test_reserving_holds_sends_and_consuming_records_the_use(ten_sends):
    reservation = reserve(user=ten_sends, sends=4, reference="send:7")
    assert balance(user=ten_sends) == 6

    entry = consume(reservation_id=reservation.pk)

    assert entry.sends == -4 and entry.kind == "consumption"
    assert balance(user=ten_sends) == 6
    # Consuming twice (a retried task) changes nothing.
    assert consume(reservation_id=reservation.pk) == entry
    assert balance(user=ten_sends) == 6


def test_consuming_part_of_a_reservation_releases_the_rest(ten_sends):
    reservation = reserve(user=ten_sends, sends=5)

    consume(reservation_id=reservation.pk, sends=2)

    assert balance(user=ten_sends) == 8
    with pytest.raises(ValueError):
        consume(reservation_id=reserve(user=ten_sends, sends=1).pk, sends=2)


def test_releasing_gives_the_sends_back_once(ten_sends):
    reservation = reserve(user=ten_sends, sends=10)
    assert balance(user=ten_sends) == 0

    release(reservation_id=reservation.pk)
    release(reservation_id=reservation.pk)

    assert balance(user=ten_sends) == 10
    assert not LedgerEntry.objects.filter(kind="consumption").exists()
    with pytest.raises(ReservationNotHeld):
        consume(reservation_id=reservation.pk)


def test_a_used_reservation_cannot_be_released(ten_sends):
    reservation = reserve(user=ten_sends, sends=1)
    consume(reservation_id=reservation.pk)
    with pytest.raises(ReservationNotHeld):
        release(reservation_id=reservation.pk)


def test_asking_for_more_than_the_balance_changes_nothing(ten_sends):
    with pytest.raises(InsufficientSends, match="10 sends available, 11 needed"):
        reserve(user=ten_sends, sends=11)
    assert not Reservation.objects.exists()
    assert balance(user=ten_sends) == 10


def test_nonsense_amounts_are_refused(ten_sends, staff, seeker):
    with pytest.raises(ValueError):
        reserve(user=ten_sends, sends=0)
    with pytest.raises(ValueError):
        grant_complimentary_sends(user=seeker, sends=-5, staff=staff, reason="x")
    with pytest.raises(ValueError):
        grant_complimentary_sends(user=seeker, sends=0, staff=staff, reason="x")
    with pytest.raises(ValueError):
        grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason="  ")
    with pytest.raises(PermissionError):
        grant_complimentary_sends(user=seeker, sends=5, staff=seeker, reason="I want them")


def test_one_persons_sends_are_not_anothers(ten_sends, other_seeker):
    assert balance(user=other_seeker) == 0
    with pytest.raises(InsufficientSends):
        spend(user=other_seeker, sends=1)
    assert balance(user=ten_sends) == 10


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_consumptions_of_a_balance_of_ten(seeker, staff):
    grant_complimentary_sends(user=seeker, sends=10, staff=staff, reason="Welcome")
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    locked_out = 0

    def spend_one(n: int) -> None:
        nonlocal locked_out
        try:
            barrier.wait()
            while True:
                try:
                    spend(user=seeker, sends=1, reference=f"send:{n}")
                    outcomes.append("spent")
                except InsufficientSends:
                    outcomes.append("refused")
                except OperationalError:
                    # SQLite's in-memory test database refuses a concurrent writer
                    # instead of waiting; the caller (a Celery task) would retry.
                    if connection.vendor != "sqlite":
                        raise
                    locked_out += 1
                    continue
                break
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend_one, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["refused"] * 10 + ["spent"] * 10
    assert balance(user=seeker) == 0
    assert LedgerEntry.objects.filter(kind="consumption").count() == 10
    if connection.vendor == "postgresql":
        # Row locks make every attempt wait its turn: nobody is turned away by the database.
        assert locked_out == 0


# --- Who may spend ------------------------------------------------------------------------


def test_only_active_accounts_may_spend(ten_sends):
    from billing.ledger import SpendingRefused, check_may_spend, may_spend

    assert may_spend(ten_sends)
    ten_sends.is_active = False
    ten_sends.save()

    assert not may_spend(ten_sends)
    with pytest.raises(SpendingRefused, match=r"^This account is deactivated\.$"):
        reserve(user=ten_sends, sends=1)
    with pytest.raises(SpendingRefused):
        check_may_spend(ten_sends)
    assert not Reservation.objects.exists()


def test_an_account_waiting_to_be_deleted_cannot_spend(ten_sends):
    from billing.ledger import SpendingRefused, may_spend
    from privacy.models import DeletionRequest

    now = timezone.now()
    DeletionRequest.objects.create(person=ten_sends, grace_ends_at=now, due_at=now)

    assert not may_spend(ten_sends)
    with pytest.raises(SpendingRefused, match="waiting to be deleted"):
        spend(user=ten_sends, sends=1)
    assert balance(user=ten_sends) == 10


def test_other_apps_import_only_the_public_ledger_api():
    """recruiters/ and privacy/ may use billing.ledger's public names and nothing else."""
    import ast
    import pathlib

    from billing import ledger

    root = pathlib.Path(__file__).resolve().parents[2]
    for app in ("recruiters", "profiles", "privacy", "accounts", "jobletters"):
        for path in (root / app).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("billing"):
                    assert node.module == "billing.ledger" or (
                        node.module == "billing" and [a.name for a in node.names] == ["ledger"]
                    ), f"{path}: imports {node.module}"
                    if node.module == "billing.ledger":
                        assert {a.name for a in node.names} <= set(ledger.__all__), path


def test_someone_not_signed_in_has_nothing_and_is_asked_to_sign_in(ten_sends):
    from django.contrib.auth.models import AnonymousUser

    from billing.ledger import SpendingRefused, may_spend

    assert balance(user=AnonymousUser()) == 0
    assert not may_spend(None) and not may_spend(AnonymousUser())
    for nobody in (None, AnonymousUser()):
        with pytest.raises(SpendingRefused, match=r"^Sign in to use your sends\.$"):
            reserve(user=nobody, sends=1)
    assert not Reservation.objects.exists()


def test_the_refusal_says_how_many_sends_are_available_and_needed(ten_sends, other_seeker):
    with pytest.raises(InsufficientSends, match=r"^0 sends available, 1 needed\.$"):
        reserve(user=other_seeker, sends=1)
    spend(user=ten_sends, sends=9)
    with pytest.raises(InsufficientSends, match=r"^1 send available, 2 needed\.$"):
        reserve(user=ten_sends, sends=2)
    assert balance(user=ten_sends) == 1


def test_consuming_none_of_a_reservation_gives_it_all_back(ten_sends):
    reservation = reserve(user=ten_sends, sends=3, reference="send:8")

    assert consume(reservation_id=reservation.pk, sends=0) is None

    assert balance(user=ten_sends) == 10
    assert not LedgerEntry.objects.filter(kind="consumption").exists()
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CONSUMED
    with pytest.raises(ValueError, match="between 0 and 1 sends"):
        consume(reservation_id=reserve(user=ten_sends, sends=1).pk, sends=-1)
    assert balance(user=ten_sends) == 9


def test_each_reservation_records_when_it_was_settled(ten_sends):
    used, given_back = reserve(user=ten_sends, sends=1), reserve(user=ten_sends, sends=1)
    assert used.settled_at is None
    before = timezone.now()

    consume(reservation_id=used.pk)
    release(reservation_id=given_back.pk)

    for reservation in (used, given_back):
        reservation.refresh_from_db()
        assert before <= reservation.settled_at <= timezone.now()


def test_a_long_reference_or_reason_is_kept_within_its_column(ten_sends, staff, seeker):
    reservation = reserve(user=ten_sends, sends=1, reference="send:" + "9" * 200)
    entry = consume(reservation_id=reservation.pk)
    grant = grant_complimentary_sends(user=seeker, sends=1, staff=staff, reason=" Sorry " * 60)

    reservation.refresh_from_db()
    assert reservation.reference == ("send:" + "9" * 200)[:100]
    assert entry.reason == reservation.reference
    grant.refresh_from_db()
    assert len(grant.reason) == 255 and grant.reason.startswith("Sorry  Sorry")
    assert grant.granted_by == staff


def test_a_send_goes_ahead_only_while_its_sends_are_held(ten_sends):
    from billing.ledger import is_held

    used, given_back = reserve(user=ten_sends, sends=1), reserve(user=ten_sends, sends=1)
    assert is_held(reservation_id=used.pk) and is_held(reservation_id=given_back.pk)

    consume(reservation_id=used.pk)
    release(reservation_id=given_back.pk)

    assert not is_held(reservation_id=used.pk)
    assert not is_held(reservation_id=given_back.pk)
