"""Packets still waiting when their recruiter stops receiving them, and a packet revoked
after its send was already given back."""

from __future__ import annotations

import pytest

from billing import ledger
from recruiters import directory, sending
from recruiters.models import Delivery

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(seeker):
    b.ready_seeker(seeker, sends=3)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    jordan = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    send = b.send_to(seeker, alex, jordan, deliver=False).send
    return seeker, alex, jordan, {d.recruiter_id: d for d in send.deliveries.all()}


def test_a_recruiter_who_opts_out_cancels_only_their_own_waiting_packets(waiting):
    seeker, alex, jordan, deliveries = waiting
    assert ledger.balance(user=seeker) == 1

    directory.opt_out_recruiter(recruiter_id=alex.pk)

    to_alex = Delivery.objects.get(pk=deliveries[alex.pk].pk)
    assert to_alex.state == Delivery.State.FAILED
    assert to_alex.failure.startswith("The recruiter stopped receiving packets")
    assert Delivery.objects.get(pk=deliveries[jordan.pk].pk).state == Delivery.State.QUEUED
    assert ledger.balance(user=seeker) == 2  # alex's send came back, jordan's is still held


def test_a_packet_the_worker_has_claimed_is_left_to_the_worker(waiting):
    """Being sent, it is the worker's to finish or fail (recruiters.delivery)."""
    seeker, alex, _, deliveries = waiting
    Delivery.objects.filter(pk=deliveries[alex.pk].pk).update(state=Delivery.State.SENDING)

    directory.opt_out_recruiter(recruiter_id=alex.pk)

    assert Delivery.objects.get(pk=deliveries[alex.pk].pk).state == Delivery.State.SENDING
    assert ledger.balance(user=seeker) == 1


def test_a_packet_whose_send_was_already_given_back_is_revoked_without_giving_it_twice(waiting):
    seeker, alex, _, deliveries = waiting
    delivery = deliveries[alex.pk]
    ledger.release(reservation_id=delivery.reservation_id)  # given back once already
    assert ledger.balance(user=seeker) == 2

    revoked = sending.revoke_delivery(seeker=seeker, delivery_id=delivery.pk)

    assert revoked.state == Delivery.State.REVOKED
    assert ledger.balance(user=seeker) == 2
