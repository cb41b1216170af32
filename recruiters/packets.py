"""What a packet shows: the snapshot, the email, the private packet page and its links.

A send keeps a *snapshot* of the seeker's packet, taken when they consented:
the consent screen, the email and the packet page all render that snapshot
through the same templates, so the recruiter gets exactly what the seeker saw.
The §2.1 postal address and phone are in it only when the seeker ticked to
include them.

The packet page is reached through an unguessable token (256 bits), of which
only the SHA-256 is stored; a link lasts ``promises.PACKET_VALID_DAYS`` from
sending. Every view and CV download is recorded (``sending.record_view``). The opt-out
link is signed and never expires: opting out must work from any old email.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import BigIntegerField, Exists, OuterRef
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy import promises
from privacy.rights.freeze import is_frozen
from profiles.cvs import CVCopy, CVNotReady, copy_for_recruiters, current_cv_of
from profiles.letters import render_letter, render_sent_letter
from profiles.models import CV, ContactDetails, Profile, with_targets
from taxonomy.models import target_words

from .models import Delivery, Introduction, PacketLink

# 2: targets are pairs ("targets"); 1 had two lists ("occupations" and "places").
SNAPSHOT_VERSION = 2
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


# --- The snapshot ---------------------------------------------------------------------------


def packet_profile(seeker: Any) -> Profile | None:
    """The seeker's saved profile with its targets, as packets and matching read it."""
    return Profile.objects.filter(user=seeker).prefetch_related(with_targets()).first()


def build_snapshot(
    *, seeker: Any, include_contact: bool, blind: bool = False, profile: Profile | None = None
) -> dict[str, Any]:
    """The packet as it stands now: what the seeker is asked to consent to share.

    ``profile``: the seeker's saved profile from :func:`packet_profile`, when the
    caller has it already."""
    profile = profile or packet_profile(seeker) or Profile(user=seeker)
    cv = current_cv_of(seeker)
    snapshot: dict[str, Any] = {
        "version": SNAPSHOT_VERSION,
        "name": seeker.name,
        "email": seeker.email,
        "headline": profile.headline,
        "summary": profile.summary,
        "years_of_experience": profile.years_of_experience,
        "seniority": profile.seniority,
        "seniority_label": profile.get_seniority_display() if profile.seniority else "",
        "skills": list(profile.skills),
        "languages": list(profile.languages),
        "linkedin_url": profile.linkedin_url,
        # The letter as recruiters see it (HTML): what was sent stays as it was.
        "job_letter": str(render_letter(profile.job_letter)) if profile.job_letter else "",
        # "Solicitor in London, United Kingdom": each target in the seeker's words.
        "targets": [t.label for t in profile.targets.all()] if profile.pk else [],
        "cv": (
            {"id": cv.pk, "name": cv.original_name, "kind": cv.kind, "size": cv.size}
            if cv
            else None
        ),
        "contact": None,
        # Recruiters see shown(snapshot): without who the seeker is, until they accept.
        "blind": blind,
    }
    if include_contact:
        snapshot["contact"] = contact_for_packet(seeker)
    return snapshot


def contact_for_packet(seeker: Any) -> dict[str, Any] | None:
    """The §2.1 postal address and phone, as a packet would show them (None if empty)."""
    details = ContactDetails.objects.filter(user=seeker).first()
    if details is None:
        return None
    lines = [details.address_line1, details.address_line2]
    lines.append(" ".join(part for part in (details.postal_code, details.city) if part))
    if details.country:
        lines.append(str(details.country.name))
    address = [line for line in lines if line and line.strip()]
    phone = details.phone.as_international if details.phone else ""
    if not address and not phone:
        return None
    return {"address": address, "phone": phone}


# The categories' words on the consent screen (the stored categories stay in English).
CATEGORY_WORDS = {
    "name": gettext_lazy("name"),
    "email address": gettext_lazy("email address"),
    "professional profile": gettext_lazy("professional profile"),
    "job letter": gettext_lazy("job letter"),
    "CV": gettext_lazy("CV"),
    "postal address": gettext_lazy("postal address"),
    "phone number": gettext_lazy("phone number"),
}


# What a blind packet leaves out until the seeker accepts an introduction: who they are
# (name, addresses, phone, CV, LinkedIn) and the free-text lines that could say it.
_IDENTIFYING = {
    "name": "",
    "email": "",
    "contact": None,
    "cv": None,
    "linkedin_url": "",
    "headline": "",
    "summary": "",
}
# What a blind packet shares at once.
BLIND_CATEGORIES = ["professional profile", "job letter"]


def shown(snapshot: dict[str, Any], *, revealed: bool = False) -> dict[str, Any]:
    """The snapshot as its recruiter may see it: all of it, or for a blind send whose
    introduction was not accepted, the letter and the summary only."""
    if not snapshot.get("blind") or revealed:
        return snapshot
    return {**snapshot, **_IDENTIFYING}


def data_categories(snapshot: dict[str, Any], *, revealed: bool = False) -> list[str]:
    """What a packet shares, in the words of the consent and the disclosure log (a blind
    one: what it shares at once; ``revealed``: everything, as an introduction does)."""
    if snapshot.get("blind") and not revealed:
        return [c for c in BLIND_CATEGORIES if c != "job letter" or snapshot.get("job_letter")]
    categories = ["name", "email address", "professional profile"]
    if snapshot.get("job_letter"):
        categories.append("job letter")
    if snapshot.get("cv"):
        categories.append("CV")
    contact = snapshot.get("contact") or {}
    if contact.get("address"):
        categories.append("postal address")
    if contact.get("phone"):
        categories.append("phone number")
    return categories


_BLOCK_END = re.compile(r"</(p|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def _link_as_text(link: re.Match[str]) -> str:
    """ "words (address)", or the address alone when the words are the address."""
    href, words = link.group(1), link.group(2)
    return words if strip_tags(words) in href else f"{words} ({href})"


def letter_as_text(stored: str) -> str:
    """The job letter for a plain-text email: paragraphs, list items and link addresses
    kept, bold and italics without marks."""
    # Newlines in HTML are spaces; the tags say where lines and paragraphs end.
    html = " ".join(str(render_sent_letter(stored or "")).split())
    html = _LINK.sub(_link_as_text, html)
    html = _ITEM.sub("\n- ", html)
    html = _BLOCK_END.sub(lambda m: "\n" if m.group(0).lower().startswith("<br") else "\n\n", html)
    text = unescape(strip_tags(html))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Items:
    def __init__(self, items: list[Any]) -> None:
        self._items = items

    def all(self) -> list[Any]:
        return self._items


class PacketProfile:
    """A snapshot with the shape of a :class:`~profiles.models.Profile`, so the packet
    renders through the same template as the seeker's own "what recruiters see"."""

    pk = "snapshot"

    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.headline = snapshot.get("headline", "")
        self.summary = snapshot.get("summary", "")
        self.years_of_experience = snapshot.get("years_of_experience")
        self.seniority = snapshot.get("seniority", "")
        self._seniority_label: str = snapshot.get("seniority_label", "")
        self.skills = snapshot.get("skills", [])
        self.languages = snapshot.get("languages", [])
        self.linkedin_url = snapshot.get("linkedin_url", "")
        self.job_letter = snapshot.get("job_letter", "")
        self.letter_html = render_sent_letter(self.job_letter)
        self.targets = _Items([SimpleNamespace(label=t) for t in _targets_of(snapshot)])

    def get_seniority_display(self) -> str:
        return self._seniority_label


def _targets_of(snapshot: dict[str, Any]) -> list[str]:
    """The snapshot's targets; a packet sent before targets were pairs had two lists,
    shown as they were agreed to: "Lawyers, Judges in London; Paris"."""
    if "targets" in snapshot:
        targets: list[str] = snapshot["targets"]
        return targets
    occupations: list[str] = snapshot.get("occupations") or []
    places: list[str] = snapshot.get("places") or []
    if not occupations or not places:
        return occupations or places
    return [target_words(", ".join(occupations), "; ".join(places))]


def introduction_of(delivery: Delivery) -> Introduction | None:
    try:
        return delivery.introduction
    except Introduction.DoesNotExist:
        return None


def is_revealed(delivery: Delivery) -> bool:
    """Whether this packet's recruiter may see who the seeker is (not blind, or accepted)."""
    if not delivery.send.snapshot.get("blind"):
        return True
    introduction = introduction_of(delivery)
    return introduction is not None and introduction.accepted


def packet_context(snapshot: dict[str, Any], *, revealed: bool = False) -> dict[str, Any]:
    """What templates/recruiters/_packet.html and the packet email need."""
    anonymous = bool(snapshot.get("blind")) and not revealed
    snapshot = shown(snapshot, revealed=revealed)
    return {
        "packet": snapshot,
        "profile": PacketProfile(snapshot),
        "candidate": SimpleNamespace(name=snapshot.get("name", ""), anonymous=anonymous),
    }


def cv_for_packet(*, snapshot: dict[str, Any], seeker_id: int) -> CVCopy | None:
    """The normalised copy of the CV the seeker chose to send, if it still exists.

    The one place that reaches into the profiles app's CVs for recruiters.
    """
    chosen = snapshot.get("cv") or {}
    if not chosen.get("id"):
        return None
    cv = CV.objects.filter(pk=chosen["id"], owner_id=seeker_id).first()
    if cv is None:
        return None
    try:
        return copy_for_recruiters(cv=cv)
    except CVNotReady:
        return None


def chosen_cv_ready() -> Exists:
    """For a query of deliveries: whether the CV their send's snapshot names is still
    the seeker's and ready to be sent (false when the packet has no CV)."""
    chosen = KeyTextTransform("id", KeyTransform("cv", OuterRef("send__snapshot")))
    return Exists(
        CV.objects.ready().filter(
            pk=Cast(chosen, BigIntegerField()), owner_id=OuterRef("seeker_id")
        )
    )


# --- Links ----------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(*, delivery: Delivery) -> str:
    """A new token for the delivery's page (replacing one that never left); returns it.

    Called in the transaction that claims the delivery, so the token exists only in
    the email about to be sent.
    """
    token = secrets.token_urlsafe(32)
    link = PacketLink(
        delivery=delivery,
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=promises.PACKET_VALID_DAYS),
    )
    # One INSERT ... ON CONFLICT: a first claim has no link yet, a later one replaces it.
    PacketLink.objects.bulk_create(
        [link],
        update_conflicts=True,
        unique_fields=["delivery"],
        update_fields=["token_hash", "expires_at"],
    )
    return token


# The recruiter removed themselves, or was erased: every link they hold is closed.
LEFT_DIRECTORY = gettext_lazy(
    "You are no longer in our directory, so the links in the packets you received are closed."
)


@dataclass(frozen=True)
class OpenedLink:
    delivery: Delivery | None
    gone: str = ""  # why the packet is no longer available, in words; "" when it is
    for_now: bool = False  # it may come back (the seeker can still cancel a deletion)


def open_link(token: str) -> OpenedLink | None:
    """The packet behind a token (None: no such link)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    link = (
        PacketLink.objects.select_related(
            "delivery__send", "delivery__seeker", "delivery__recruiter", "delivery__introduction"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        return None
    delivery = link.delivery
    if delivery is None:
        return OpenedLink(
            None, _("The candidate has deleted their account, so their packet is gone.")
        )
    if delivery.state == Delivery.State.REVOKED:
        return OpenedLink(delivery, _("The candidate has withdrawn this packet."))
    if delivery.state == Delivery.State.FAILED:
        return OpenedLink(delivery, _("This packet was never delivered."))
    recruiter = delivery.recruiter
    if recruiter is None:
        return OpenedLink(delivery, str(LEFT_DIRECTORY))
    if recruiter.suspended_at is not None:
        return OpenedLink(delivery, _("This link no longer works."))
    if recruiter.opted_out_at is not None:
        return OpenedLink(
            delivery,
            _("You stopped receiving candidates' packets, so this one is closed too."),
        )
    if is_frozen(delivery.seeker):
        # Deletion asked for, grace period running: the seeker may still cancel, so the
        # page says nothing about the account and nothing final.
        return OpenedLink(delivery, _("This packet is not available at the moment."), for_now=True)
    if not delivery.seeker.is_active:
        return OpenedLink(
            delivery, _("The candidate's account is closed, so their packet is gone.")
        )
    if link.expires_at <= timezone.now():
        return OpenedLink(
            delivery,
            _("This link expired on %(date)s: packet links last %(days)d days.")
            % {
                "date": date_format(link.expires_at, "j F Y"),
                "days": promises.PACKET_VALID_DAYS,
            },
        )
    return OpenedLink(delivery)


# --- The email --------------------------------------------------------------------------------


OPT_OUT_SALT = "recruiters.opt-out"


def opt_out_token(recruiter_id: int) -> str:
    """A signed, non-expiring token: opting out must work from any old email."""
    return signing.dumps(recruiter_id, salt=OPT_OUT_SALT)


def recruiter_for_opt_out(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def opt_out_url(recruiter_id: int) -> str:
    return settings.SITE_URL + reverse("recruiters:opt_out", args=[opt_out_token(recruiter_id)])


def packet_url(token: str) -> str:
    return settings.SITE_URL + reverse("packets:page", args=[token])


EMAIL_TEMPLATE = "recruiters/emails/packet"


def email_context(
    *,
    snapshot: dict[str, Any],
    reason: str,
    role: str,
    place: str,
    recruiter: Any,
    packet_link: str,
    opt_out_link: str,
) -> dict[str, Any]:
    """What the packet email is rendered with (and the consent screen's preview of it)."""
    return {
        **packet_context(snapshot),
        "reason": reason,
        # For the recruiter: "… lists you as a recruiter who places Lawyers in London".
        "why": reason[:1].lower() + reason[1:],
        "letter_text": letter_as_text(snapshot.get("job_letter", "")),
        "role": role,
        "place": place,
        "recruiter": recruiter,
        "packet_link": packet_link,
        "opt_out_link": opt_out_link,
        "valid_days": promises.PACKET_VALID_DAYS,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
    }


def preview_email(*, snapshot: dict[str, Any], match: Any, body: bool = True) -> dict[str, Any]:
    """The email one recruiter would get, for the consent screen: its subject and body,
    from the templates the email uses (links left inert: they exist only once sent);
    the subject alone with ``body=False``."""
    context = email_context(
        snapshot=snapshot,
        reason=match.summary,
        role=match.role,
        place=match.place,
        recruiter=match.recruiter,
        packet_link="#packet-preview",
        opt_out_link="#packet-preview",
    )
    subject = " ".join(render_to_string(f"{EMAIL_TEMPLATE}_subject.txt", context).split())
    if not body:
        return {"subject": subject}
    html = render_to_string("recruiters/emails/_packet_body.html", context)
    # Mail clients need inline styles; the site's CSP allows none (its stylesheet has
    # the same looks under the classes the template also carries). The template is
    # autoescaped; removing style attributes keeps it safe.
    return {"subject": subject, "body": mark_safe(_INLINE_STYLE.sub("", html))}  # noqa: S308  # nosec B308 B703


_INLINE_STYLE = re.compile(r' style="[^"]*"')
