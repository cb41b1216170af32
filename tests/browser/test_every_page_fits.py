"""Every page in the URL map fits a 360 px phone and a 1280 px desktop, in Chromium.

The pages come from the URL resolver: each named URL is either visited below (as a
visitor, a seeker with real data, or staff with two-factor) or listed in EXCLUDED
with the reason, so a new page cannot be forgotten. A page fails when it is wider
than the screen or when any visible element ends past the screen's right edge (a
table that scrolls sideways included). The admin is visited too: the index, every
model's list, and one change form per group of the index. An admin list may scroll
inside its box on a phone; from a laptop's width up (1,024 px) every admin table must
be a table that fits: neither stacked into labelled rows nor scrolling. Every button outside the
admin speaks in sentence case ("Sign up", not "Sign Up"), shows its placeholders whole at
360 px, has no bullets beside cards or checkboxes, and at 1280 px no button stretched far
wider than its words. No page sets a cookie that
``/privacy/cookies/`` does not list, or puts anything in the browser's storage.

At both widths, axe-core runs in every page with the WCAG 2.0-2.2 A and AA rules
(tests/browser/axe.py): no violation, and no "incomplete" result nobody has checked. The
French role reads the visitor's and the seeker's pages in French (docs/accessibility.md).

With SCREENSHOTS_DIR set, screenshots of the main pages at both widths are saved there for
review (``SCREENSHOTS_DIR=var/screenshots pytest -s tests/browser``). They are not taken
otherwise: a full-page picture costs more of Chromium's time than the page and its axe
run together, and the suite keeps its time.
"""

from __future__ import annotations

import importlib
import os
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from billing.models import BillingAccount, LedgerEntry, Plan, Purchase
from communications import categories
from jobletters.admin_site import GROUPS, group_of
from privacy.cookies import COOKIES
from privacy.models import ExportRequest, ProcessorSubscription
from privacy.registry.declarations import declarations
from profiles.models import CV
from tests.community.builders import comment_by, thread_by
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.privacy.builders import person_with_everything
from tests.recruiters.builders import city, occupation, ready_seeker, recruiter

from . import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = 360, 1280
HEIGHT = 800

VISITOR, SEEKER, STAFF, FRENCH = "visitor", "seeker", "staff", "french"


@dataclass(frozen=True)
class Page:
    roles: tuple[str, ...]
    main: bool = False  # screenshots are saved for review


# Every named URL outside the admin: visited, or excluded below with a reason.
PAGES: dict[str, Page] = {
    "home": Page((VISITOR,), main=True),
    "dashboard": Page((SEEKER, STAFF), main=True),
    "account_settings": Page((SEEKER,), main=True),
    "account_security": Page((SEEKER,), main=True),
    "account_not_me_session": Page((SEEKER,)),
    "account_not_me_sign_in": Page((SEEKER,)),
    "account_login": Page((VISITOR,), main=True),
    "account_logout": Page((SEEKER,)),
    "account_inactive": Page((VISITOR,)),
    "account_signup": Page((VISITOR,), main=True),
    "account_reauthenticate": Page((SEEKER,), main=True),
    "account_request_reauthentication_code": Page((SEEKER,)),
    "account_email": Page((SEEKER,), main=True),
    "account_email_verification_sent": Page((VISITOR,)),
    "account_change_password": Page((SEEKER,), main=True),
    "account_set_password": Page((SEEKER,)),
    "account_reset_password": Page((VISITOR,), main=True),
    "account_reset_password_done": Page((VISITOR,)),
    "account_reset_password_from_key": Page((VISITOR,)),
    "account_reset_password_from_key_done": Page((VISITOR,)),
    "account_request_login_code": Page((VISITOR,)),
    "account_confirm_email": Page((VISITOR,), main=True),
    "mfa_index": Page((SEEKER, STAFF), main=True),
    "mfa_activate_totp": Page((SEEKER,), main=True),
    "mfa_deactivate_totp": Page((STAFF,)),
    "mfa_reauthenticate": Page((STAFF,)),
    "mfa_view_recovery_codes": Page((STAFF,), main=True),
    "mfa_generate_recovery_codes": Page((STAFF,)),
    "privacy:policy": Page((VISITOR,), main=True),
    "privacy:data": Page((VISITOR,), main=True),
    "privacy:cookies": Page((VISITOR,)),
    "privacy:promises": Page((VISITOR,)),
    "privacy:my_data": Page((SEEKER,), main=True),
    "privacy:my_data_category": Page((SEEKER,)),
    "privacy:export": Page((SEEKER,), main=True),
    "privacy:delete": Page((SEEKER,), main=True),
    "privacy:versions": Page((VISITOR,)),
    "privacy:version_text": Page((VISITOR,)),
    "privacy:transparency": Page((VISITOR,)),
    "privacy:subprocessors": Page((VISITOR,), main=True),
    "privacy:subprocessors_subscribe": Page((VISITOR,)),
    "privacy:subprocessors_confirm": Page((VISITOR,)),
    "privacy:subprocessors_unsubscribe": Page((VISITOR,)),
    "terms": Page((VISITOR,)),
    "billing:index": Page((SEEKER,), main=True),
    "billing:checkout": Page((SEEKER,)),
    "billing:success": Page((SEEKER,)),
    "profiles:edit": Page((SEEKER,), main=True),
    "profiles:letter": Page((SEEKER,), main=True),
    "profiles:letter_preview": Page((SEEKER,)),
    "profiles:cv_list": Page((SEEKER,), main=True),
    "profiles:cv_delete": Page((SEEKER,)),
    "recruiters:matches": Page((SEEKER,), main=True),
    "recruiters:send": Page((SEEKER,), main=True),
    "recruiters:sends": Page((SEEKER,), main=True),
    "recruiters:opt_out": Page((VISITOR,)),
    "recruiters:own_page": Page((VISITOR,)),
    "packets:page": Page((VISITOR,), main=True),
    "communications:preferences": Page((SEEKER,)),
    "communications:unsubscribe": Page((VISITOR,)),
    "support:contact": Page((VISITOR, SEEKER), main=True),
    "support:sent": Page((VISITOR,)),
    "support:inquiries": Page((SEEKER,)),
    "support:inquiry": Page((SEEKER,), main=True),
    "community:list": Page((VISITOR, SEEKER), main=True),
    "community:new_thread": Page((SEEKER,)),
    "community:thread": Page((VISITOR, SEEKER), main=True),
    "community:edit_thread": Page((SEEKER,)),
    "community:delete_thread": Page((SEEKER,)),
    "community:report_thread": Page((SEEKER,)),
    "community:edit_comment": Page((SEEKER,)),
    "community:delete_comment": Page((SEEKER,)),
    "community:report_comment": Page((SEEKER,)),
}

EXCLUDED: dict[str, str] = {
    "favicon": "redirects to the icon, not a page",
    "healthz": "JSON for load balancers",
    "readyz": "JSON for load balancers",
    "choose_language": "POST only (the language menu in the footer)",
    "account_resend_confirmation": "POST only (a button on the confirm-email page)",
    "javascript-catalog": "the translations scripts use, not a page",
    "account_end_session": "POST only (a button on the security page)",
    "account_end_other_sessions": "POST only (a button on the security page)",
    "account_confirm_reauthentication_code": "only after a code was emailed (same form as "
    "the reauthenticate page)",
    "account_confirm_login_code": "only after a sign-in code was emailed",
    "mfa_authenticate": "visited mid sign-in below (_second_factor_page), not by address",
    "mfa_download_recovery_codes": "a text file download",
    "usersessions_list": "the same address as account_security, which answers it",
    "privacy:export_status": "JSON polled by the export page",
    "privacy:export_download": "a file download (after re-authentication)",
    "privacy:cancel_deletion": "POST only (a button on the frozen account's page)",
    "privacy:acknowledge": "POST only (a button on the policy notice)",
    "billing:webhook": "POST only, for Stripe",
    "profiles:cv_status": "JSON polled by the CV page",
    "profiles:cv_set_current": "POST only (a button on the CV page)",
    "profiles:cv_download": "a file download",
    "profiles:dismiss_pairs_notice": "POST only (a button on the notice that targets are pairs)",
    "taxonomy:occupations": "JSON for the autocomplete",
    "taxonomy:places": "JSON for the autocomplete",
    "recruiters:revoke": "POST only (a button on the sends page)",
    "recruiters:introduction": "POST only (a button on the sends page)",
    "recruiters:coverage": "JSON for the landing page's count",
    "packets:cv": "a file download",
    "packets:answer": "POST only (the answer form on the packet page)",
    "community:add_comment": "POST only (the form on the thread page)",
    "bench_minimal": "a benchmark baseline, never on outside bench/pages.py",
}


def _named_urls(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # visited through the admin's own registry, below
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _named_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(namespace + entry.name)
    return names


def test_every_page_in_the_url_map_is_visited_or_excluded():
    names = set(_named_urls())
    assert sorted(names - PAGES.keys() - EXCLUDED.keys()) == [], "add the page to PAGES"
    assert sorted((PAGES.keys() | EXCLUDED.keys()) - names - {"bench_minimal"}) == []
    assert not PAGES.keys() & EXCLUDED.keys()


# --- The world the pages show ---------------------------------------------------------------


@dataclass
class World:
    seeker: object
    staff: object
    urls: dict[str, list[str]] = field(default_factory=dict)  # url name -> addresses

    def add(self, name: str, *args: object, query: str = "") -> None:
        self.urls.setdefault(name, []).append(reverse(name, args=args) + query)


def _published_documents() -> None:
    """The policy, terms and processors a data migration adds (a flush empties them)."""
    from privacy.models import PolicyVersion

    for document, module, function in (
        ("privacy", "privacy.migrations.0002_policy_v1", "load_v1"),
        ("terms", "privacy.migrations.0006_terms_v1", "load_terms_v1"),
        (None, "privacy.migrations.0007_seed_subprocessors", "seed"),
    ):
        if document is None or not PolicyVersion.objects.filter(document=document).exists():
            getattr(importlib.import_module(module), function)(apps, None)


def _build_world(seeker, staff) -> World:
    from recruiters import packets, sending
    from support import services as support

    _published_documents()
    world = World(seeker=seeker, staff=staff)

    # A seeker with a profile, targets, a job letter, a CV and sends; recruiters to match,
    # with the long names and addresses real directories have.
    lawyers, london = occupation("2611"), city("London")
    ready_seeker(seeker, occupations=[lawyers], places=[london])
    chosen = [
        recruiter(
            occupations=[lawyers],
            places=[london],
            name=name,
            agency=agency,
            email=email,
        )
        for name, agency, email in (
            ("Rita Recruiter", "Acme Legal Search", "rita@acme-legal.example"),
            (
                "Maximiliana Featherstonehaugh-Cholmondeley",
                "International Commercial Litigation Recruitment Partners LLP",
                "maximiliana.featherstonehaugh-cholmondeley@internationalcommerciallitigation.example",
            ),
            ("Sam Search", "Counsel Connect", "sam@counsel.example"),
        )
    ]
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[r.pk for r in chosen[:2]])
    assert not plan.problems, plan.problems
    send = sending.confirm_send(
        seeker=seeker,
        recruiter_ids=[r.pk for r in chosen[:2]],
        include_contact=False,
        consent_given=True,
        digest=plan.digest,
    )
    delivery = send.deliveries.order_by("pk").first()
    world.add("packets:page", packets.issue_link(delivery=delivery))

    # A paid purchase next to the complimentary sends.
    plan_row, _ = Plan.objects.get_or_create(
        slug="starter", defaults={"name": "Starter", "sends": 25, "price": 2500}
    )
    account = BillingAccount.objects.get(user=seeker)
    purchase = Purchase.objects.create(
        account=account,
        plan=plan_row,
        plan_name=plan_row.name,
        sends=plan_row.sends,
        amount=plan_row.price,
        currency=plan_row.currency,
        status=Purchase.Status.PAID,
        paid_at=timezone.now(),
        stripe_checkout_session_id="cs_test_every_page",
        stripe_payment_intent_id="pi_test_every_page",
    )
    LedgerEntry.objects.create(account=account, kind="purchase", sends=25, purchase=purchase)
    world.add("billing:checkout", plan_row.slug)
    world.add("billing:success", query="?session_id=cs_test_every_page")

    # A second address waiting for confirmation; an old copy of their data.
    extra = EmailAddress.objects.create(
        user=seeker, email="sam.seeker.at.a.rather.long.address@example.org", verified=False
    )
    world.add("account_confirm_email", EmailConfirmationHMAC(extra).key)
    world.add(
        "account_reset_password_from_key",
        user_pk_to_url_str(seeker),
        default_token_generator.make_token(seeker),
    )
    ExportRequest.objects.create(
        person=seeker, state="expired", requested_at=timezone.now() - timedelta(days=10)
    )

    # Community, support and email links.
    thread = thread_by(
        seeker,
        title="Finding commercial law roles in London after a career break",
        body="Has anyone used https://www.example.org/a-very-long-path/that-never-ends-and-"
        "keeps-going-on-and-on/ to find work?",
        place=london,
    )
    comment = comment_by(staff, thread, "Welcome back! Try the agencies that list part-time roles.")
    own_comment = comment_by(seeker, thread, "Thank you, I will.")
    world.add("community:thread", thread.pk)
    for name in ("community:edit_thread", "community:delete_thread", "community:report_thread"):
        world.add(name, thread.pk)
    world.add("community:edit_comment", own_comment.pk)
    world.add("community:delete_comment", own_comment.pk)
    world.add("community:report_comment", comment.pk)
    inquiry = support.submit_inquiry(
        person=seeker,
        subject="Do recruiters see my phone number?",
        body="If I send my job letter, do they also get my phone number?",
    )
    support.answer_inquiry(inquiry=inquiry, staff=staff, body="Only if you tick the box.")
    world.add("support:inquiry", inquiry.pk)
    world.add(
        "communications:unsubscribe",
        categories.unsubscribe_token(seeker, categories.Category.ANNOUNCEMENTS),
    )
    from privacy.documents import processors
    from privacy.models import PolicyVersion
    from recruiters.packets import opt_out_token

    world.add("recruiters:opt_out", opt_out_token(chosen[2].pk))
    from recruiters import own_data

    world.urls["recruiters:own_page"] = [urlsplit(own_data.own_page_url(chosen[0])).path]
    subscription = ProcessorSubscription.objects.create(email="visitor@example.org")
    world.add("privacy:subprocessors_unsubscribe", processors.unsubscribe_token(subscription))
    from django.core import signing

    world.add(
        "privacy:subprocessors_confirm",
        signing.dumps({"email": "visitor@example.org"}, salt=processors.CONFIRM_SALT),
    )
    version = PolicyVersion.objects.filter(document="privacy").order_by("version").first()
    world.add("privacy:version_text", version.document, version.version)
    world.add("profiles:cv_delete", CV.objects.filter(owner=seeker).first().pk)
    for declaration in declarations():
        world.add("privacy:my_data_category", declaration.slug)
    world.add(
        "recruiters:send", query="?" + "&".join(f"r={r.pk}" for r in chosen)
    )  # two were sent to recently: the page says so
    Authenticator.objects.filter(user=staff, type="recovery_codes").delete()
    RecoveryCodes.activate(staff)

    # Someone staff look up: every kind of record, and their deletion request waiting.
    from privacy.rights.deletion import request_deletion

    lena = UserFactory(email="lena.lindqvist@example.org", name="Lena Lindqvist")
    person_with_everything(lena, staff=staff)
    request_deletion(user=lena)
    world.add("admin:accounts_user_person", lena.pk)
    return world


def _signed_in(client: Client, user, totp_secret: str | None = None) -> str:
    """Sign in through the login form (a real sign-in, so no password is asked again)."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    if totp_secret:
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302, response.content[:500]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _addresses(world: World, role: str) -> list[tuple[str, str, bool]]:
    """(url name, address, main) for every page the role visits."""
    visits = []
    for name, page in PAGES.items():
        if role not in page.roles:
            continue
        for address in world.urls.get(name) or [reverse(name)]:
            visits.append((name, address, page.main))
    return visits


# The lists staff work from most (their screenshots are saved).
MAIN_LISTS = {"accounts.user", "recruiters.delivery", "privacy.deletionrequest",
              "jobletters.outboxentry", "support.inquiry", "billing.purchase"}  # fmt: skip


def _admin_addresses(world: World) -> list[tuple[str, str, bool]]:
    """The admin's index, every model's list, and a change form per group of the index."""
    visits = [("admin:index", reverse("admin:index"), True)]
    forms: dict[str, str] = {}
    for model in admin.site._registry:
        meta = model._meta
        label = f"admin:{meta.app_label}_{meta.model_name}"
        main = meta.label_lower in MAIN_LISTS
        visits.append((label + "_changelist", reverse(label + "_changelist"), main))
        group = group_of(meta.app_label, meta.model_name)
        obj = model.objects.first()
        if group not in forms and obj is not None:
            forms[group] = reverse(label + "_change", args=[obj.pk])
    visits += [(f"admin change form ({group})", url, True) for group, url in forms.items()]
    visits += [("admin:accounts_user_person", url, True) for url in world.urls[
        "admin:accounts_user_person"]]  # fmt: skip
    assert set(forms) == {slug for slug, _title, _members in GROUPS}, "a group without rows"
    return visits


# --- Measuring ----------------------------------------------------------------------------

BUTTONS = """() => [...document.querySelectorAll(
  'button, a[role=button], input[type=submit], input[type=button]')]
  .map(el => (el.value || el.innerText || '').replace(/\\s+/g, ' ').trim()).filter(Boolean)"""
# Words that keep their capital inside a button's sentence.
PROPER = {"Job", "Letters", "I", "CVs", "Stripe", "LinkedIn"}


def _title_case_buttons(page) -> list[str]:
    """Buttons that capitalise words inside the sentence ("Sign Up", not "Sign up")."""
    found = []
    for text in page.evaluate(BUTTONS):
        words = re.findall(r"[A-Za-z][\w'-]*", text)
        if [w for w in words[1:] if w[0].isupper() and not w.isupper() and w not in PROPER]:
            found.append(text)
    return found


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
OVERFLOW = """(admin) => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const found = [];
  if (root.scrollWidth > width) found.push(`the page is ${root.scrollWidth}px wide`);
  const hidden = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.visibility === 'hidden' || style.display === 'none') return true;
      if (node.matches('.visually-hidden, .skip-link, .sr-only')) return true;
    }
    return false;
  };
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      text += '.' + el.className.trim().split(/\\s+/).join('.');
    const words = (el.innerText || el.value || '').replace(/\\s+/g, ' ').trim();
    return `${text} "${words.slice(0, 40)}"`;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.right <= width + 0.5 || hidden(el)) continue;
    // An admin list scrolls inside its box (Django's ".results"): fine if the box fits.
    const scrolls = admin && el.closest('.results');
    if (scrolls && scrolls.getBoundingClientRect().right <= width + 0.5) continue;
    // The outermost element that sticks out says enough.
    const parent = el.parentElement.getBoundingClientRect();
    if (el.parentElement !== document.body && parent.right > width + 0.5) continue;
    found.push(`${name(el)} ends at ${Math.round(box.right)}px`);
    if (found.length >= 5) break;
  }
  // A table that "fits" by cutting its words (one letter a line) does not fit either;
  // nor does a button. Long codes and addresses may break anywhere.
  const pen = document.createElement('canvas').getContext('2d');
  const cells = 'table:not(.table-stacked) td, table:not(.table-stacked) th, button, [role=button]';
  for (const el of document.querySelectorAll(cells)) {
    const box = el.getBoundingClientRect();
    if (!box.width || hidden(el) || el.closest('#changelist, .inline-group')) continue;
    if (el.querySelector('.visually-hidden, .sr-only')) continue;  // an icon with hidden words
    const style = getComputedStyle(el);
    pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // A line may end after a hyphen ("Royaume-" / "Uni"): that is not a cut word.
    const words = (el.innerText || '').split(/\\s+|(?<=-)/)
      .filter(w => w.length > 1 && w.length <= 24);
    const cut = words.find(w => pen.measureText(w).width > room + 1);
    if (cut) found.push(`${name(el)} cuts the word "${cut}"`);
    if (found.length >= 8) break;
  }
  // Outside the admin (Django's own pages): a placeholder is read whole, a list of cards
  // or checkboxes has no bullets beside them, and on a desktop a button is as wide as
  // its words, not the whole form.
  const ours = (el) => !el.closest('#container') && !hidden(el);
  for (const el of document.querySelectorAll('input[placeholder]')) {
    if (!ours(el) || !el.placeholder) continue;
    const style = getComputedStyle(el);
    pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const longest = pen.measureText(el.placeholder).width;
    if (longest > room + 1) found.push(`${name(el)} cuts its placeholder "${el.placeholder}"`);
  }
  for (const li of document.querySelectorAll('li')) {
    if (!ours(li) || getComputedStyle(li).listStyleType === 'none') continue;
    if (li.querySelector(':scope > article, :scope > label > input[type=checkbox]'))
      found.push(`${name(li)} has a bullet beside a card or a checkbox`);
  }
  if (width >= 1024) {
    for (const el of document.querySelectorAll('button, [type=submit], a[role=button]')) {
      const box = el.getBoundingClientRect();
      if (!ours(el) || !box.width) continue;
      const style = getComputedStyle(el);
      pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const words = pen.measureText((el.innerText || el.value || '').trim()).width;
      const wide = Math.round(box.width);
      if (box.width > words + 200) found.push(`${name(el)} is ${wide}px wide for its words`);
    }
  }
  return found;
}"""


# From a laptop's width up, staff get tables: an admin table stacked into labelled rows
# (static/js/tables.js) or a list scrolling sideways in its box does not fit either.
ADMIN_TABLES = """() => [
  ...[...document.querySelectorAll('table.table-stacked')].map(
    t => `a table is stacked into rows (${t.id || t.className || t.rows.length + ' rows'})`),
  ...[...document.querySelectorAll('.results')].filter(b => b.scrollWidth > b.clientWidth + 1)
    .map(b => `a list scrolls sideways (${b.scrollWidth}px in ${b.clientWidth}px)`),
]"""
LAPTOP = 1024


def _screenshots_dir() -> Path | None:
    """SCREENSHOTS_DIR/<width>/, emptied of the last run's pictures; None when it is unset."""
    if not os.environ.get("SCREENSHOTS_DIR"):
        return None
    folder = Path(os.environ["SCREENSHOTS_DIR"])
    for width in (PHONE, DESKTOP):
        (folder / str(width)).mkdir(parents=True, exist_ok=True)
        for old in (folder / str(width)).glob("*.png"):
            old.unlink()
    return folder


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name) + ".png"


def _check(page, base_url: str, visits, role: str, shots: Path | None, problems: list[str]) -> None:
    for name, address, main in visits:
        page.set_viewport_size({"width": PHONE, "height": HEIGHT})
        response = page.goto(base_url + address)
        status = response.status if response else 0
        if status >= 400:
            problems.append(f"{role} {address} ({name}): HTTP {status}")
            continue
        for width in (PHONE, DESKTOP):
            if width != PHONE:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                page.evaluate(NEXT_FRAME)  # the page has seen the new size
            admin_page = address.startswith(reverse("admin:index"))
            found = page.evaluate(OVERFLOW, admin_page)
            if admin_page and width >= LAPTOP:
                found += page.evaluate(ADMIN_TABLES)
            if width == PHONE and not admin_page:
                # (The admin keeps Django's wording, e.g. "Add another Occupation title".)
                found += [f"button in title case: {text!r}" for text in _title_case_buttons(page)]
            violations, unreviewed = axe.audit(page)
            found += [f"axe: {finding}" for finding in violations]
            found += [
                f"axe could not decide, check it by hand: {finding}" for finding in unreviewed
            ]
            if found:
                problems.append(f"{role} {address} at {width}px: " + "; ".join(found))
            if main and shots:
                page.screenshot(
                    path=shots / str(width) / f"{role}-{_file_name(name)}", full_page=True
                )


def _second_factor_page(
    page, base_url: str, staff, shots: Path | None, problems: list[str]
) -> None:
    """The code page between the password and the dashboard (mfa_authenticate)."""
    page.set_viewport_size({"width": PHONE, "height": HEIGHT})
    page.goto(base_url + reverse("account_login"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**" + reverse("mfa_authenticate"))
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.evaluate(NEXT_FRAME)
        found = page.evaluate(OVERFLOW, False)
        violations, unreviewed = axe.audit(page)
        found += [f"axe: {finding}" for finding in violations + unreviewed]
        if found:
            problems.append(f"visitor mfa_authenticate at {width}px: " + "; ".join(found))
        if shots:
            picture = shots / str(width) / "visitor-2fa-authenticate.png"
            page.screenshot(path=picture, full_page=True)


# One test per role: they run side by side when the suite runs in parallel. The French
# role reads the visitor's and the seeker's pages in French (longer words, other labels).
@pytest.mark.parametrize("role", [VISITOR, SEEKER, STAFF, FRENCH])
def test_every_page_fits_a_phone_and_a_desktop_and_passes_axe(
    role, live_server, _chromium, seeker, staff_with_mfa, settings
):
    settings.SITE_URL = live_server.url
    # Billing as in production: plans to buy (the pages only render; nothing calls Stripe).
    settings.STRIPE_SECRET_KEY = "sk_test_every_page"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_every_page"
    world = _build_world(seeker, staff_with_mfa)
    shots = _screenshots_dir()
    if shots:
        print(f"\nScreenshots of the main pages at {PHONE} and {DESKTOP} px: {shots}")
    declared = {cookie.name for cookie in COOKIES}
    if role == FRENCH:
        seeker.language = "fr"
        seeker.save(update_fields=["language"])
        passes = [(VISITOR, None, "fr-FR"), (SEEKER, seeker, "fr-FR")]
    else:
        user = {VISITOR: None, SEEKER: seeker, STAFF: staff_with_mfa}[role]
        passes = [(role, user, "en-GB")]

    problems: list[str] = []
    for persona, user, locale in passes:
        label = persona if role != FRENCH else f"{persona} in French"
        context = _chromium.new_context(locale=locale)
        context.set_default_timeout(15_000)
        axe.install(context)
        page = context.new_page()
        if user is not None:
            session = _signed_in(Client(), user, _totp_secret(user) if persona == STAFF else None)
            if persona == SEEKER:
                _other_device(world, user)
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        visits = _addresses(world, persona)
        if persona == STAFF:
            visits += _admin_addresses(world)
        if role == FRENCH:  # the pictures in English are enough for review
            visits = [(name, address, False) for name, address, _main in visits]
        _check(page, live_server.url, visits, label, shots, problems)
        if role == VISITOR:
            _second_factor_page(page, live_server.url, staff_with_mfa, shots, problems)
        # What /privacy/cookies/ promises, with every page's scripts run: no cookie it does
        # not list, nothing in the browser's storage (but in the admin, for staff only:
        # Django's own script keeps its sidebar and theme there).
        for name in {c["name"] for c in context.cookies()} - declared:
            problems.append(f"{label}: the cookie {name} is not in privacy.cookies.COOKIES")
        if persona != STAFF and page.evaluate("() => localStorage.length + sessionStorage.length"):
            problems.append(f"{label}: something was put in the browser's storage")
        context.close()
    assert problems == [], "\n".join(problems)


def _totp_secret(user) -> str:
    from accounts.mfa import decrypt

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(totp.data["secret"])


def _other_device(world: World, seeker) -> None:
    """A second browser signed in as the seeker: the security page lists it and its sign-in."""
    from allauth.usersessions.models import UserSession

    from usage.models import SignIn

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)")
    key = _signed_in(client, seeker)
    world.add("account_not_me_session", UserSession.objects.get(session_key=key).pk)
    world.add("account_not_me_sign_in", SignIn.objects.filter(person=seeker).latest("pk").pk)
