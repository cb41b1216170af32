"""The consent ledger and the disclosure log (§3.1): what domain apps call before using a
consent (and for withdrawals), and each time personal data leaves the system.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .models import Consent, Disclosure, PolicyVersion


def record_consent(
    *,
    person: Any,
    purpose: str,
    granted: bool,
    text: str,
    recipients: Iterable[Mapping[str, Any]] = (),
    data_categories: Iterable[str] = (),
    reference: str = "",
) -> Consent:
    """Add a consent (or withdrawal) with the words shown and the policy in force."""
    if not text.strip():
        raise ValueError("A consent records the exact words the person was shown.")
    return Consent.objects.create(
        person=person,
        purpose=Consent.Purpose(purpose),
        granted=granted,
        text=text,
        policy_version=PolicyVersion.objects.current(),
        recipients=[dict(r) for r in recipients],
        data_categories=list(data_categories),
        reference=reference[:100],
    )


def record_disclosure(
    *,
    person: Any,
    recipient_kind: str,
    recipient_name: str,
    data_categories: Iterable[str],
    basis: str,
    reference: str,
    recipient_reference: str = "",
    consent: Consent | None = None,
    legal_reference: str = "",
) -> Disclosure:
    """Record that personal data left the system; once per ``reference``."""
    if basis == Disclosure.Basis.CONSENT and consent is None:
        raise ValueError("A disclosure based on consent must name the consent.")
    values = {
        "person": person,
        "recipient_kind": Disclosure.RecipientKind(recipient_kind),
        "recipient_name": recipient_name[:300],
        "recipient_reference": recipient_reference[:100],
        "data_categories": list(data_categories),
        "basis": Disclosure.Basis(basis),
        "consent": consent,
        "legal_reference": legal_reference[:200],
    }
    # get_or_create also answers a concurrent writer's row when its own insert fails.
    return Disclosure.objects.get_or_create(reference=reference, defaults=values)[0]
