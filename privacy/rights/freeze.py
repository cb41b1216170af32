"""A frozen account: deletion requested, waiting out the grace period (§5, §7).

The person cannot send, buy, be matched or get announcements; signed in, they see only the
pages to cancel or to export (``privacy.middleware``). Other apps act on a freeze through
:data:`account_frozen`, :func:`is_frozen` and :func:`frozen_people`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils.translation import gettext as _

from privacy.models import DeletionRequest

SESSION_FLAG = "privacy_frozen"
FROZEN_STATES = (
    DeletionRequest.State.PENDING,
    DeletionRequest.State.HELD,
    DeletionRequest.State.ERASING,
)


def is_frozen(user: Any) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    return DeletionRequest.objects.filter(person_id=user.pk, state__in=FROZEN_STATES).exists()


def frozen_people() -> QuerySet[Any]:
    """Ids of every frozen person, for ``.exclude(user__in=frozen_people())``."""
    people = get_user_model()._default_manager
    return people.filter(deletion_requests__state__in=FROZEN_STATES).values("pk")


def refuse_frozen_account(user: Any) -> str | None:
    """Billing's spend check: no sends while deletion is pending."""
    if is_frozen(user):
        return _(
            "Your account is waiting to be deleted, so nothing can be sent. "
            "Cancel the deletion to use your sends again."
        )
    return None


# Sent with ``user`` and ``frozen`` (True: deletion requested; False: cancelled).
account_frozen = Signal()
