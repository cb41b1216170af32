"""A visitor's inquiries join the account whose owner confirms the address they came from."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import link_visitor_inquiries


@receiver(email_confirmed, dispatch_uid="support.link_visitor_inquiries")
def _link_visitor_inquiries(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    link_visitor_inquiries(user=email_address.user, email=email_address.email)
