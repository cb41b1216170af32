"""Versions of the privacy policy and the terms of service (§9).

Staff write a draft in the admin, then publish it. One that reduces people's rights takes
effect at least ``promises.POLICY_NOTICE_DAYS`` after it is published, is emailed to every
active person (frozen accounts too: it is a legal notice) and shows a banner to people who
joined before it until they acknowledge it (a ``policy_acknowledged`` consent).

The banner costs signed-in pages no query while no such version is active (the list is kept
on the shared cache and for a few seconds in each process), and at most one while one is.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobletters.lib import mailing
from privacy import promises
from privacy.consent import record_consent
from privacy.models import ChangeNotice, Consent, PolicyVersion
from privacy.policy_text import parse_policy

Document = PolicyVersion.Document

NOTICES_CACHE_KEY = "privacy:version-notices:v2"
NOTICES_CACHE_SECONDS = 300
# Each process also keeps the list this long, so a page costs no cache round trip
# either; publishing clears it at once in the publishing process, within this delay
# in the others.
NOTICES_LOCAL_SECONDS = 5.0
# References of the versions the person acknowledged, kept in the session (set at
# sign-in and when they acknowledge) so the banner needs no query for them.
SESSION_ACKNOWLEDGED = "privacy_acknowledged"


class VersionError(Exception):
    """Why staff cannot do that, in words shown in the admin."""


def earliest_effective_at(*, reduces_rights: bool, now: datetime | None = None) -> datetime:
    notice = timedelta(days=promises.POLICY_NOTICE_DAYS if reduces_rights else 0)
    return (now or timezone.now()) + notice


def check_draft(
    *,
    text: str,
    changelog: str,
    effective_at: datetime | None,
    reduces_rights: bool = False,
    now: datetime | None = None,
) -> dict[str, str]:
    """Problems with a draft, by field (empty: none), were it published now."""
    now = now or timezone.now()
    soonest = earliest_effective_at(reduces_rights=reduces_rights, now=now)
    problems = {}
    if not (text or "").strip():
        problems["text"] = _("Write the text of the new version.")
    if not (changelog or "").strip():
        problems["changelog"] = _("Say what changes and why: people read this first.")
    if effective_at is None:
        return problems
    if effective_at < now - timedelta(minutes=1):  # the form was filled in a moment ago
        problems["effective_at"] = _("A version cannot take effect in the past.")
    elif reduces_rights and effective_at < soonest:
        problems["effective_at"] = _(
            "A version that reduces people's rights must be published at least "
            "%(days)d days before it takes effect, so everyone can read it first: "
            "choose %(date)s or later."
        ) % {
            "days": promises.POLICY_NOTICE_DAYS,
            "date": date_format(timezone.localtime(soonest), "j F Y, H:i"),
        }
    return problems


def save_draft(*, version: PolicyVersion, now: datetime | None = None) -> PolicyVersion:
    """Create or change a draft (a published version never changes)."""
    if version.pk and PolicyVersion.objects.published().filter(pk=version.pk).exists():
        raise VersionError(_("A published version cannot change; write a new one."))
    problems = check_draft(
        text=version.text, changelog=version.changelog, effective_at=version.effective_at, now=now
    )
    if problems:
        raise VersionError(" ".join(problems.values()))
    with transaction.atomic():
        if not version.pk:
            versions = PolicyVersion.objects.filter(document=version.document)
            version.version = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
            version.published_at = None
        version.save()
    return version


def publish_version(*, version: PolicyVersion, now: datetime | None = None) -> PolicyVersion:
    """Publish a draft; a rights-reducing one starts its notice (emails and banner)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if current.published_at is not None:
            raise VersionError(_("This version is already published."))
        if current.effective_at < now:
            raise VersionError(
                _("It would take effect in the past: choose a new date, then publish.")
            )
        if problems := check_draft(
            text=current.text,
            changelog=current.changelog,
            effective_at=current.effective_at,
            reduces_rights=current.reduces_rights,
            now=now,
        ):
            raise VersionError(" ".join(problems.values()))
        latest = (
            PolicyVersion.objects.published()
            .filter(document=current.document)
            .order_by("-version")
            .only("text")
            .first()
        )
        if latest is not None and latest.text.strip() == current.text.strip():
            raise VersionError(_("The text is the same as the latest published version."))
        current.published_at = now
        current.save(update_fields=["published_at"])
        if current.reduces_rights:
            notice = ChangeNotice.objects.create(
                kind=ChangeNotice.Kind.VERSION, version=current, send_after=now
            )
            mailing.start(notice)
        # Now for this process, and again after the commit: a page read meanwhile elsewhere
        # may have kept the old list.
        forget_active_notices()
        transaction.on_commit(forget_active_notices)
    return current


# --- The banner: rights-reducing versions people have not acknowledged ---------------------


# (monotonic time until which it holds, the list): one tuple, replaced whole.
_local_notices: tuple[float, list[PolicyVersion]] = (0.0, [])


def active_notices() -> list[PolicyVersion]:
    """Every published version that reduces rights (from memory or the shared cache)."""
    global _local_notices
    now = time.monotonic()
    until, kept = _local_notices
    if now < until:
        return kept
    notices: list[PolicyVersion] | None = cache.get(NOTICES_CACHE_KEY)
    if notices is None:
        rows = PolicyVersion.objects.published().filter(reduces_rights=True)
        notices = list(rows.order_by("effective_at").only("document", "version", "effective_at"))
        cache.set(NOTICES_CACHE_KEY, notices, NOTICES_CACHE_SECONDS)
    _local_notices = (now + NOTICES_LOCAL_SECONDS, notices)
    return notices


def forget_active_notices() -> None:
    forget_local_notices()
    cache.delete(NOTICES_CACHE_KEY)


@receiver(setting_changed)
def forget_local_notices(**kwargs: object) -> None:
    """This process's copy dropped (also when settings change, as between tests)."""
    global _local_notices
    _local_notices = (0.0, [])


def _concerned(user: Any, notices: list[PolicyVersion]) -> list[PolicyVersion]:
    # People who joined once it was in force agreed to it when they signed up.
    return [n for n in notices if user.date_joined < n.effective_at]


def pending_notices(request: HttpRequest) -> list[PolicyVersion]:
    """The rights-reducing versions the signed-in person has not acknowledged yet."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    concerned = _concerned(user, active_notices())
    if not concerned:
        return []
    session = getattr(request, "session", None)
    known = set(session.get(SESSION_ACKNOWLEDGED, ())) if session is not None else set()
    unknown = [n for n in concerned if n.reference not in known]
    if not unknown:
        return []
    acknowledged = acknowledged_references(user, [n.reference for n in unknown])
    return [n for n in unknown if n.reference not in acknowledged]


def notice_banner(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``policy_notices``, worked out only when a template uses it."""
    return {"policy_notices": SimpleLazyObject(lambda: pending_notices(request))}


def acknowledged_references(person: Any, references: list[str]) -> set[str]:
    rows = Consent.objects.filter(
        person=person,
        purpose=Consent.Purpose.POLICY_ACKNOWLEDGED,
        granted=True,
        reference__in=references,
    )
    return set(rows.values_list("reference", flat=True))


def remember_acknowledgements(request: HttpRequest, user: Any) -> None:
    """At sign-in: keep in the session which versions the person acknowledged."""
    session = getattr(request, "session", None)
    if session is None:
        return
    references = [n.reference for n in _concerned(user, active_notices())]
    acknowledged = acknowledged_references(user, references) if references else ()
    session[SESSION_ACKNOWLEDGED] = sorted(acknowledged)


def acknowledgement_words(version: PolicyVersion) -> str:
    """What the person confirms by pressing the banner's button (kept in the ledger)."""
    return _(
        "I have read the changes to the %(document)s, version %(version)d, which take effect "
        "on %(date)s and reduce my rights. What changes: %(changelog)s"
    ) % {
        "document": version.get_document_display(),
        "version": version.version,
        "date": date_format(timezone.localtime(version.effective_at), "j F Y"),
        "changelog": " ".join(version.changelog.split()),
    }


def acknowledge_version(*, person: Any, version: PolicyVersion) -> Consent:
    """Record that the person read a rights-reducing version (once)."""
    if version.published_at is None or not version.reduces_rights:
        raise VersionError(_("Only published versions that reduce rights are acknowledged."))
    with transaction.atomic():
        # One at a time per person (a double click, two tabs).
        get_user_model()._default_manager.select_for_update().filter(pk=person.pk).first()
        existing = Consent.objects.filter(
            person=person,
            purpose=Consent.Purpose.POLICY_ACKNOWLEDGED,
            granted=True,
            reference=version.reference,
        ).first()
        if existing is not None:
            return existing
        return record_consent(
            person=person,
            purpose=Consent.Purpose.POLICY_ACKNOWLEDGED,
            granted=True,
            text=acknowledgement_words(version),
            reference=version.reference,
        )


# --- The notice emails (privacy.documents.notices sends them in batches) -------------------


def notice_audience() -> Any:
    """Everyone who receives a rights-reducing version's email: active accounts with a
    confirmed address, frozen ones included (a legal notice, like any transactional
    email)."""
    confirmed = EmailAddress.objects.filter(
        user=OuterRef("pk"), verified=True, email__iexact=OuterRef("email")
    )
    return get_user_model()._default_manager.filter(is_active=True).filter(Exists(confirmed))


@dataclass
class ShownVersion:
    version: PolicyVersion
    previous: PolicyVersion | None
    ends_at: datetime | None  # when the next version took (or takes) effect
    state: str  # "upcoming", "current", "earlier"

    @property
    def diff(self) -> SafeString | None:
        if self.previous is None:
            return None
        return diff_html(self.previous.text, self.version.text)


def versions_by_document(now: datetime | None = None) -> list[tuple[str, str, list[ShownVersion]]]:
    """(document, label, published versions newest first) for both documents, in one query."""
    now = now or timezone.now()
    rows = list(PolicyVersion.objects.published().order_by("document", "version"))
    shown = []
    for document in Document:
        versions = [v for v in rows if v.document == document]
        current = next((v for v in reversed(versions) if v.effective_at <= now), None)
        entries = [
            ShownVersion(
                version=version,
                previous=versions[index - 1] if index else None,
                ends_at=versions[index + 1].effective_at if index + 1 < len(versions) else None,
                state="upcoming"
                if version.effective_at > now
                else "current"
                if version is current
                else "earlier",
            )
            for index, version in enumerate(versions)
        ]
        shown.append((document.value, str(document.label), entries[::-1]))
    return shown


def current_and_upcoming(
    document: str, now: datetime | None = None
) -> tuple[PolicyVersion | None, list[PolicyVersion]]:
    """The version in force and those published to take effect later (one query)."""
    now = now or timezone.now()
    versions = list(PolicyVersion.objects.published().filter(document=document)[:5])
    upcoming = [v for v in versions if v.effective_at > now]
    current = next((v for v in versions if v.effective_at <= now), None)
    if current is None and len(versions) == 5:  # five versions waiting: look further
        current = PolicyVersion.objects.current(document)
    upcoming.reverse()
    return current, upcoming


_WORDS = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class _Unit:
    kind: str  # "heading" or "paragraph"
    text: str
    section: str  # the heading of the section it is in


def _units(text: str) -> list[_Unit]:
    units = []
    for block in parse_policy(text):
        heading = f"{block.number}. {block.title}" if block.number else ""
        if heading:
            units.append(_Unit("heading", heading, heading))
        for paragraph in block.paragraphs:
            units.append(_Unit("paragraph", paragraph, heading))
    return units


def _words_diff(old: str, new: str) -> str:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(parts)


def _unit_html(unit: _Unit, body: str, css: str = "") -> str:
    tag = "h4" if unit.kind == "heading" else "p"
    attribute = f' class="{css}"' if css else ""
    return f"<{tag}{attribute}>{body}</{tag}>"


def diff_html(old_text: str, new_text: str) -> SafeString:
    """What changed from one text to the next: changed paragraphs with words struck out
    (``<del>``) and added (``<ins>``), the section they are in, unchanged ones counted.

    Every piece of text is escaped; only the markup written here is kept.
    """
    old, new = _units(old_text), _units(new_text)
    matcher = difflib.SequenceMatcher(
        None, [(u.kind, u.text) for u in old], [(u.kind, u.text) for u in new], autojunk=False
    )
    out: list[str] = []
    shown_section = None

    def context(unit: _Unit) -> None:
        nonlocal shown_section
        if unit.kind == "heading":
            shown_section = unit.section
        elif unit.section and unit.section != shown_section:
            out.append(f'<p class="diff-context">{escape(unit.section)}</p>')
            shown_section = unit.section

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            skipped = ngettext("%(n)d unchanged paragraph", "%(n)d unchanged paragraphs", i2 - i1)
            out.append(f'<p class="diff-skip">… {escape(skipped % {"n": i2 - i1})} …</p>')
            continue
        olds, news = old[i1:i2], new[j1:j2]
        if op == "replace":
            paired = min(len(olds), len(news))
            for before, after in zip(olds[:paired], news[:paired], strict=True):
                context(after)
                if before.kind == after.kind:
                    out.append(_unit_html(after, _words_diff(before.text, after.text)))
                else:
                    out.append(_unit_html(before, f"<del>{escape(before.text)}</del>", "removed"))
                    out.append(_unit_html(after, f"<ins>{escape(after.text)}</ins>", "added"))
            olds, news = olds[paired:], news[paired:]
        for unit in olds:
            context(unit)
            out.append(_unit_html(unit, f"<del>{escape(unit.text)}</del>", "removed"))
        for unit in news:
            context(unit)
            out.append(_unit_html(unit, f"<ins>{escape(unit.text)}</ins>", "added"))
    if all(part.startswith('<p class="diff-skip"') for part in out):
        # Our own tags around escaped words.
        return mark_safe('<p class="diff-skip">' + escape(_("No change in the text.")) + "</p>")  # noqa: S308  # nosec B308 B703
    # Every piece of text above went through escape(); the tags are our own.
    return mark_safe("\n".join(out))  # noqa: S308  # nosec B308 B703
