"""Registry entries for profiles: contact details (§2.1), profile (§2.2), CVs (§2.6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from privacy.registry.declarations import Basis, Erasure, declare, jsonable
from privacy.registry.retention import Retention

from .models import CV, ContactDetails, Profile, Target

_RECRUITERS = (_("The recruiters you choose to send to (only when you send)"),)

declare(
    ContactDetails,
    section="2.1",
    category=_("Postal address and phone"),
    purpose=_(
        "To contact you about your account if email is not enough. Never shared with recruiters."
    ),
    fields=(
        "address_line1",
        "address_line2",
        "city",
        "postal_code",
        "country",
        "phone",
        "updated_at",
    ),
    about="user",
    erasure=Erasure.DELETE,
    retention=Retention.account(_("You can clear it at any time.")),
)


def _export_profile(user: Any) -> Iterator[dict[str, Any]]:
    for p in Profile.objects.filter(user=user):
        # As the default export, but the seniority in words.
        row = {name: jsonable(getattr(p, name)) for name in _PROFILE_FIELDS}
        row["seniority"] = p.get_seniority_display() if p.seniority else ""
        yield row


_PROFILE_FIELDS = (
    "headline",
    "summary",
    "years_of_experience",
    "seniority",
    "skills",
    "languages",
    "linkedin_url",
    "related_roles",
    "targets_kept_as_pairs",
    "open_to_recruiters",
    "job_letter",
    "job_letter_updated_at",
    "created_at",
    "updated_at",
)

declare(
    Profile,
    section="2.2",
    category=_("Professional profile and job letter"),
    purpose=_(
        "To match you with recruiters for the jobs and places you choose, and to show "
        "them who you are (only when you send to them)."
    ),
    recipients=_RECRUITERS,
    fields=_PROFILE_FIELDS,
    about="user",
    erasure=Erasure.DELETE,
    retention=Retention.account(_("You can change or clear it at any time.")),
    exporter=_export_profile,
)


def _export_targets(user: Any) -> Iterator[dict[str, Any]]:
    rows = Target.objects.filter(profile__user=user).select_related("occupation", "title", "place")
    for t in rows:
        yield {
            "target": t.label,
            "occupation": t.occupation.title,
            "isco_code": t.occupation.code,
            "title": t.title.title if t.title else "",
            "place": t.place.label,
        }


declare(
    Target,
    section="2.2",
    category=_("Jobs you are looking for"),
    purpose=_(
        "Your targets, each a job (with the job title you chose) in a place, to match you "
        "with recruiters and to tell them what you are looking for (only when you send to "
        "them)."
    ),
    recipients=_RECRUITERS,
    fields=("occupation", "title", "place"),
    about="profile__user",
    erasure=Erasure.DELETE,
    retention=Retention.account(_("You can change or clear them at any time.")),
    exporter=_export_targets,
)


def _cv_file_name(cv: CV, field: str) -> str:
    prefix = "" if field == "file" else "normalised-copy-"
    return f"{cv.pk}-{prefix}{cv.original_name}"


declare(
    CV,
    section="2.6",
    category=_("CVs"),
    purpose=_(
        "Your CV files, sent to the recruiters you choose; their text is used to match "
        "you with recruiters."
    ),
    legal_basis=Basis.CONTRACT,
    recipients=_RECRUITERS,
    fields=(
        "original_name",
        "kind",
        "content_type",
        "size",
        "sha256",
        "state",
        "refusal",
        "checked_at",
        "is_current",
        "chosen_at",
        "text",
        "text_state",
        "text_extracted_at",
        "uploaded_at",
    ),
    file_fields=("file", "normalised_file"),
    file_name=_cv_file_name,
    about="owner",
    erasure=Erasure.DELETE,
    retention=Retention.account(
        _(
            "Until you delete the CV; the stored files are deleted with it. A file we refuse "
            "is deleted at once; the notice stays until you dismiss it."
        )
    ),
)
