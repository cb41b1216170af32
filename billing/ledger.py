"""The send ledger: the one billing API other apps import.

A person's sends are never stored as a number: the balance is the sum of their
:class:`~billing.models.LedgerEntry` rows minus the sends held by open
:class:`~billing.models.Reservation` rows. Everything that depends on it locks
the person's :class:`~billing.models.BillingAccount` row first
(``SELECT ... FOR UPDATE``; lock order everywhere: account, then purchase), so
concurrent sends are serialised and two sends can never spend the same credit.

For other apps (the sends to recruiters), and nothing else::

    from billing import ledger

    ledger.check_may_spend(user)       # raises SpendingRefused (e.g. a frozen account)
    reservation = ledger.reserve(user=user, sends=3, reference=f"send:{send.pk}")
    ...                                # per delivery, before the email leaves:
    ledger.is_held(reservation_id=reservation.pk)   # False: cancelled, do not send
    ledger.held_reservations()         # the same, as a query (Exists(...) with other reads)
    ledger.consume(reservation_id=reservation.pk)   # the emails left
    ledger.release(reservation_id=reservation.pk)   # or: the send was cancelled
    ledger.balance(user=user)          # what the person can spend now

``reserve`` asks :func:`check_may_spend` first: only an active account that is not
waiting to be deleted (``privacy.rights.freeze``) may spend, and the refusal says why in
words the person can read.

The rest of this module (crediting purchases, taking sends back after refunds and
disputes) is for billing's own Stripe handlers and staff operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.rights.freeze import refuse_frozen_account

from .models import BillingAccount, Dispute, LedgerEntry, Purchase, Reservation

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Spendable(TypedDict):
    spendable: int


__all__ = [
    "InsufficientSends",
    "ReservationNotHeld",
    "SpendingRefused",
    "balance",
    "check_may_spend",
    "consume",
    "held_reservations",
    "is_held",
    "may_spend",
    "release",
    "reserve",
    "spend",
]


class InsufficientSends(Exception):
    """The person does not have enough sends available."""


class ReservationNotHeld(Exception):
    """The reservation was already released (or consumed, when releasing)."""


class SpendingRefused(Exception):
    """The person may not spend sends now; the message says why, in plain words."""


# --- Who may spend ----------------------------------------------------------------------


def check_may_spend(user: Any) -> None:
    """Raise :class:`SpendingRefused` if ``user`` may not spend sends now."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise SpendingRefused(_("Sign in to use your sends."))
    if not user.is_active:
        raise SpendingRefused(_("This account is deactivated."))
    if reason := refuse_frozen_account(user):
        raise SpendingRefused(reason)


def may_spend(user: Any) -> bool:
    try:
        check_may_spend(user)
    except SpendingRefused:
        return False
    return True


# --- Balance ----------------------------------------------------------------------------


def ledger_total(account_id: int) -> int:
    """The sum of the ledger: may be below what reservations hold, or negative (a deficit)."""
    total = LedgerEntry.objects.filter(account_id=account_id).aggregate(s=Sum("sends"))["s"]
    return total or 0


def held(account_id: int) -> int:
    total = Reservation.objects.filter(
        account_id=account_id, status=Reservation.Status.HELD
    ).aggregate(s=Sum("sends"))["s"]
    return total or 0


def _sum_of_sends(rows: QuerySet[Any]) -> Coalesce:
    total = rows.order_by().values("account_id").annotate(s=Sum("sends")).values("s")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def with_balance(
    accounts: QuerySet[BillingAccount],
) -> QuerySet[WithAnnotations[BillingAccount, _Spendable]]:
    """The balance rule as a query: annotates ``spendable`` (what :func:`balance` returns).

    ``spendable`` is the ledger minus the sends held by open reservations, never
    below zero. Pages that show a balance next to other figures use this to stay
    at one query without restating the rule.
    """
    account = OuterRef("pk")
    held_rows = Reservation.objects.filter(account=account, status=Reservation.Status.HELD)
    return accounts.annotate(
        spendable=Greatest(
            _sum_of_sends(LedgerEntry.objects.filter(account=account)) - _sum_of_sends(held_rows),
            Value(0),
        )
    )


def available(account_id: int) -> int:
    """Sends that can be reserved now (never below zero)."""
    spendable = (
        with_balance(BillingAccount.objects.filter(pk=account_id))
        .values_list("spendable", flat=True)
        .first()
    )
    return spendable or 0


def balance(*, user: Any) -> int:
    """What ``user`` can spend now: their ledger, minus sends held by open reservations."""
    if not getattr(user, "is_authenticated", False):
        return 0
    accounts = with_balance(BillingAccount.objects.filter(user_id=user.pk))
    return accounts.values_list("spendable", flat=True).first() or 0


def account_for(user: Any) -> BillingAccount:
    account, _ = BillingAccount.objects.get_or_create(user=user)
    return account


def lock_account(account_id: int) -> BillingAccount:
    return BillingAccount.objects.select_for_update().get(pk=account_id)


# --- Spending (the API for sends to recruiters) ------------------------------------------


@transaction.atomic
def reserve(*, user: Any, sends: int, reference: str = "") -> Reservation:
    """Hold ``sends`` for a send about to be made.

    Raises :class:`SpendingRefused` (the person may not spend now) or
    :class:`InsufficientSends`; either way nothing changes.
    """
    if sends <= 0:
        raise ValueError("Reserve at least one send.")
    check_may_spend(user)
    account_id = BillingAccount.objects.filter(user=user).values_list("pk", flat=True).first()
    if account_id is None:
        raise InsufficientSends(_("0 sends available, %(needed)d needed.") % {"needed": sends})
    account = lock_account(account_id)
    can_spend = available(account.pk)
    if can_spend < sends:
        raise InsufficientSends(
            ngettext(
                "%(available)d send available, %(needed)d needed.",
                "%(available)d sends available, %(needed)d needed.",
                can_spend,
            )
            % {"available": can_spend, "needed": sends}
        )
    return Reservation.objects.create(account=account, sends=sends, reference=reference[:100])


def is_held(*, reservation_id: int) -> bool:
    """Whether the sends are still set aside: check just before each email leaves."""
    status = Reservation.objects.values_list("status", flat=True).get(pk=reservation_id)
    return status == Reservation.Status.HELD


def held_reservations() -> QuerySet[Reservation]:
    """The reservations whose sends are still set aside (:func:`is_held`), for a query
    that asks it of many rows, or with other questions in one statement."""
    return Reservation.objects.filter(status=Reservation.Status.HELD)


def consume(*, reservation_id: int, sends: int | None = None) -> LedgerEntry | None:
    """Spend ``sends`` (default: all) of a held reservation and release the rest.

    Idempotent: consuming an already consumed reservation returns its entry.
    A reservation cancelled by a refund or dispute while its emails were already
    leaving is still consumed (what was sent was sent): the ledger then goes below
    zero, a deficit that staff see and the next credit pays off first.
    Raises :class:`ReservationNotHeld` for a released reservation.
    """
    # In the caller's transaction without a savepoint of its own (two round trips less
    # for every packet): an error in here would undo the caller's work too, so the
    # refusals are raised once the block has ended cleanly.
    with transaction.atomic(savepoint=False):
        BillingAccount.objects.select_for_update(of=("self",)).get(reservations=reservation_id)
        reservation = Reservation.objects.select_for_update().get(pk=reservation_id)
        if reservation.status == Reservation.Status.CONSUMED:
            return reservation.entries.filter(kind=LedgerEntry.Kind.CONSUMPTION).first()
        used = reservation.sends if sends is None else sends
        if reservation.status != Reservation.Status.RELEASED and 0 <= used <= reservation.sends:
            return _consume(reservation, used)
    if reservation.status == Reservation.Status.RELEASED:
        raise ReservationNotHeld(f"Reservation {reservation_id} was released.")
    raise ValueError(f"Can consume between 0 and {reservation.sends} sends.")


def _consume(reservation: Reservation, used: int) -> LedgerEntry | None:
    entry = None
    if used:
        reason = reservation.reference
        if reservation.status == Reservation.Status.CANCELLED:
            reason = f"{reason} (sent after its sends were taken back)".strip()
        entry = LedgerEntry.objects.create(
            account_id=reservation.account_id,
            kind=LedgerEntry.Kind.CONSUMPTION,
            sends=-used,
            reservation=reservation,
            reason=reason[:255],
        )
    reservation.status = Reservation.Status.CONSUMED
    reservation.settled_at = timezone.now()
    reservation.save(update_fields=["status", "settled_at"])
    return entry


@transaction.atomic
def release(*, reservation_id: int) -> None:
    """Give held sends back (the send was cancelled). Idempotent.

    A reservation cancelled by a refund or dispute gives nothing back: its sends
    were already taken.
    """
    account_id = Reservation.objects.values_list("account_id", flat=True).get(pk=reservation_id)
    lock_account(account_id)
    reservation = Reservation.objects.select_for_update().get(pk=reservation_id)
    if reservation.status in (Reservation.Status.RELEASED, Reservation.Status.CANCELLED):
        return
    if reservation.status == Reservation.Status.CONSUMED:
        raise ReservationNotHeld(f"Reservation {reservation_id} was already used.")
    reservation.status = Reservation.Status.RELEASED
    reservation.settled_at = timezone.now()
    reservation.save(update_fields=["status", "settled_at"])


@transaction.atomic
def spend(*, user: Any, sends: int, reference: str = "") -> LedgerEntry:
    """Reserve and consume in one go; raises like :func:`reserve` without changing anything."""
    reservation = reserve(user=user, sends=sends, reference=reference)
    entry = consume(reservation_id=reservation.pk)
    assert entry is not None
    return entry


# --- Purchases, refunds and disputes (billing's Stripe handlers) -------------------------
#
# Sends bought with money that went back (a refund, a lost dispute) never stay in a
# balance. The rules, all applied under the account's row lock:
#
# * A refund covers sends in proportion to the amount refunded (rounded down); a
#   dispute holds back sends in proportion to the amount disputed.
# * Those sends are taken from the balance: first the ones free to spend, then the
#   ones held by reservations for sends not made yet. A reservation the balance no
#   longer covers is cancelled (newest first), so its send is not made; one whose
#   emails were already leaving is consumed anyway and the ledger records the
#   deficit (a negative balance that the next credit pays off first).
# * Whatever the balance cannot give back was already used, and stays spent.
# * An open dispute's held-back sends are refunded first if the payment is then
#   refunded; when the dispute closes in the person's favour the rest come back,
#   when it is lost they are gone and the purchase counts as fully repaid.


def locked_purchase(purchase_id: int) -> tuple[BillingAccount, Purchase]:
    """Lock a purchase and its account, in the one lock order (account, then purchase)."""
    account_id = Purchase.objects.values_list("account_id", flat=True).get(pk=purchase_id)
    account = lock_account(account_id)
    return account, Purchase.objects.select_for_update().get(pk=purchase_id)


def credit_purchase(account: BillingAccount, purchase: Purchase) -> bool:
    """Add a paid purchase's sends once; returns whether it was credited now.

    The caller holds the locks (:func:`locked_purchase`) and saves ``purchase``.
    """
    if purchase.is_granted:
        return False
    LedgerEntry.objects.create(
        account=account, kind=LedgerEntry.Kind.PURCHASE, sends=purchase.sends, purchase=purchase
    )
    purchase.paid_at = timezone.now()
    purchase.status = Purchase.Status.PAID
    # Refunds and disputes that arrived before the payment was confirmed apply now.
    apply_refunds(account, purchase)
    for dispute in purchase.disputes.select_for_update().order_by("pk"):
        if dispute.status in (Dispute.Status.OPEN, Dispute.Status.LOST):
            hold_for_dispute(account, purchase, dispute)
            if dispute.status == Dispute.Status.LOST:
                _record_lost(purchase, dispute)
    purchase.status = _payment_status(purchase)
    return True


def _payment_status(purchase: Purchase) -> str:
    disputes = set(purchase.disputes.values_list("status", flat=True))
    if Dispute.Status.LOST in disputes:
        return Purchase.Status.CHARGED_BACK
    if Dispute.Status.OPEN in disputes:
        return Purchase.Status.DISPUTED
    if purchase.amount_refunded >= purchase.amount:
        return Purchase.Status.REFUNDED
    if purchase.amount_refunded:
        return Purchase.Status.PARTIALLY_REFUNDED
    return Purchase.Status.PAID


def _sends_for(purchase: Purchase, amount: int) -> int:
    if amount >= purchase.amount:
        return purchase.sends
    return purchase.sends * amount // purchase.amount


def _cancel_uncovered_reservations(account_id: int) -> None:
    """Cancel held reservations (newest first) until the ledger covers what stays held."""
    total = max(ledger_total(account_id), 0)
    open_ones = list(
        Reservation.objects.select_for_update()
        .filter(account_id=account_id, status=Reservation.Status.HELD)
        .order_by("-created_at", "-pk")
        .values_list("pk", "sends")
    )
    holding = sum(sends for _, sends in open_ones)
    cancelled = []
    for pk, sends in open_ones:
        if holding <= total:
            break
        cancelled.append(pk)
        holding -= sends
    if cancelled:
        Reservation.objects.filter(pk__in=cancelled).update(
            status=Reservation.Status.CANCELLED, settled_at=timezone.now()
        )


def _take_back(
    account: BillingAccount, sends: int, *, kind: str, purchase: Purchase, reason: str = ""
) -> int:
    """Take up to ``sends`` out of the balance, held ones included; returns how many."""
    take = min(sends, max(ledger_total(account.pk), 0))
    if take > 0:
        LedgerEntry.objects.create(
            account=account, kind=kind, sends=-take, purchase=purchase, reason=reason[:255]
        )
        _cancel_uncovered_reservations(account.pk)
    return max(take, 0)


def apply_refunds(account: BillingAccount, purchase: Purchase) -> None:
    """Take back the sends a purchase's refunds cover (see the rules above).

    The caller holds the locks and saves ``purchase``.
    """
    if not purchase.amount_refunded or not purchase.is_granted:
        return
    purchase.status = _payment_status(purchase)
    if purchase.status == Purchase.Status.CHARGED_BACK:
        return  # the lost dispute already counted every send as repaid
    target = _sends_for(purchase, purchase.amount_refunded)
    remaining = target - purchase.refunded_sends
    if remaining <= 0:
        return
    # Sends held back for an open dispute are out of the balance already.
    for dispute in purchase.disputes.select_for_update().filter(
        status=Dispute.Status.OPEN, held_sends__gt=0
    ):
        covered = min(remaining, dispute.held_sends)
        dispute.held_sends -= covered
        dispute.save(update_fields=["held_sends"])
        remaining -= covered
    _take_back(account, remaining, kind=LedgerEntry.Kind.REFUND, purchase=purchase)
    purchase.refunded_sends = target


def hold_for_dispute(account: BillingAccount, purchase: Purchase, dispute: Dispute) -> None:
    """Hold back the disputed part of a purchase's unused sends while the dispute is open."""
    if not purchase.is_granted:
        return  # credit_purchase holds them if the payment is confirmed later
    unrefunded = purchase.sends - purchase.refunded_sends
    wanted = min(_sends_for(purchase, dispute.amount), max(unrefunded, 0))
    dispute.held_sends = _take_back(
        account,
        wanted,
        kind=LedgerEntry.Kind.DISPUTE_HOLD,
        purchase=purchase,
        reason=f"Dispute {dispute.stripe_dispute_id}",
    )
    dispute.save(update_fields=["held_sends"])
    purchase.status = _payment_status(purchase)


def close_dispute(
    account: BillingAccount, purchase: Purchase, dispute: Dispute, *, outcome: str
) -> None:
    """Give held-back sends back (won, or closed without a chargeback), or remove them (lost)."""
    if dispute.status != Dispute.Status.OPEN:
        return
    dispute.status = outcome
    dispute.closed_at = timezone.now()
    dispute.save(update_fields=["status", "closed_at"])
    if not purchase.is_granted:
        return  # credit_purchase applies the outcome if the payment is confirmed later
    if outcome == Dispute.Status.LOST:
        _record_lost(purchase, dispute)
    elif dispute.held_sends:
        LedgerEntry.objects.create(
            account=account,
            kind=LedgerEntry.Kind.DISPUTE_RETURN,
            sends=dispute.held_sends,
            purchase=purchase,
            reason=f"Dispute {dispute.stripe_dispute_id}",
        )
    purchase.status = _payment_status(purchase)


def _record_lost(purchase: Purchase, dispute: Dispute) -> None:
    # The money went back through the bank: the disputed sends count as repaid, so a
    # later refund of the same money takes nothing more.
    purchase.refunded_sends = min(
        purchase.sends, purchase.refunded_sends + _sends_for(purchase, dispute.amount)
    )


def grant_complimentary_sends(*, user: Any, sends: int, staff: Any, reason: str) -> LedgerEntry:
    """Staff give sends for free; the row names the staff member and why."""
    if sends <= 0:
        raise ValueError("Grant at least one send.")
    if not getattr(staff, "is_staff", False):
        raise PermissionError("Only staff can grant sends.")
    if not reason.strip():
        raise ValueError("Give a reason for the grant.")
    return LedgerEntry.objects.create(
        account=account_for(user),
        kind=LedgerEntry.Kind.COMPLIMENTARY,
        sends=sends,
        granted_by=staff,
        reason=reason.strip()[:255],
    )
