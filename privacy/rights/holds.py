"""Legal holds (§5): placed and released by staff with a reason, or automatically for the
holds an app declares (``declare(..., holds=f)``, e.g. billing for an open payment dispute).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from privacy.models import LegalHold
from privacy.registry.declarations import POLICY_SECTIONS, AutoHold, declarations

# References of holds placed by apps (e.g. "auto:dispute:dp_123"); staff holds have none.
AUTOMATIC = "auto:"


def place_hold(
    *, person: Any, reason: str, staff: Any, sections: list[str] | None = None
) -> LegalHold:
    if not reason.strip():
        raise ValueError("Say why the hold is placed.")
    if unknown := [s for s in sections or [] if s not in POLICY_SECTIONS]:
        raise ValueError(f"Unknown policy sections: {', '.join(unknown)}")
    return LegalHold.objects.create(
        person=person, reason=reason.strip(), sections=list(sections or []), placed_by=staff
    )


def release_hold(*, hold: LegalHold, reason: str, staff: Any) -> LegalHold:
    if not reason.strip():
        raise ValueError("Say why the hold is released.")
    if hold.released_at is None:
        hold.released_at = timezone.now()
        hold.released_by = staff
        hold.release_reason = reason.strip()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
    return hold


def sync_automatic_holds() -> None:
    """Open a hold for each one an app needs now; release those no longer needed."""
    wanted: dict[str, tuple[AutoHold, str]] = {}
    for declaration in declarations():
        if declaration.holds is None:
            continue
        for auto in declaration.holds():
            wanted[(AUTOMATIC + auto.reference)[:100]] = (auto, declaration.section)
    open_auto = {
        hold.reference: hold
        for hold in LegalHold.objects.filter(
            released_at__isnull=True, reference__startswith=AUTOMATIC
        )
    }
    for reference, (auto, section) in wanted.items():
        if reference in open_auto:
            continue
        try:
            with transaction.atomic():
                LegalHold.objects.create(
                    person_id=auto.person_id,
                    sections=[section],
                    reason=auto.reason,
                    reference=reference,
                )
        except IntegrityError:  # placed by a concurrent sync
            pass
    LegalHold.objects.filter(pk__in=[h.pk for r, h in open_auto.items() if r not in wanted]).update(
        released_at=timezone.now(), release_reason="Released automatically: no longer needed."
    )


def held_sections() -> set[str]:
    """Policy sections under an open hold: their rows wait, whatever their period."""
    rows = LegalHold.objects.filter(released_at__isnull=True).values_list("sections", flat=True)
    return {section for row in rows for section in row or ["*"]}
