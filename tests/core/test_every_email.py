"""Every email the site sends, both parts, is ours and names the site as configured.

The emails are found, not listed by hand: every ``*_subject.txt`` under the project's
``templates/`` and every email template of the allauth apps installed. Each needs a sample
context below, so a new email cannot be added without being rendered here. Each is rendered
as it is sent (the project's through ``jobletters.lib.emails``, allauth's through our
account adapter) with a site name and address unlike the defaults, and its subject, text and
HTML are checked for unfilled placeholders, empty brackets, links that do not lead to the
configured address, the site's default name, and wording from allauth's own templates.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import allauth
import pytest
from allauth.core import context as allauth_context
from django.conf import settings
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe

from accounts.adapters import AccountAdapter
from communications import categories
from communications.announcements import Content
from communications.categories import Category
from jobletters.lib.emails import queue_email

pytestmark = pytest.mark.django_db

SITE_NAME = "Acme Careers"
SITE_URL = "https://careers.acme.test"
SUPPORT_EMAIL = "help@careers.acme.test"
MISSING = "MISSING-VARIABLE"

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
ALLAUTH_APPS = [app.split(".")[1] for app in settings.INSTALLED_APPS if app.startswith("allauth.")]
# The apps whose emails allauth would send with its own templates.
ALLAUTH_EMAIL_APPS = [
    app for app in ["account", *ALLAUTH_APPS] if (ALLAUTH_TEMPLATES / app / "email").is_dir()
]
SOURCE_DIRS = [
    "accounts",
    "billing",
    "communications",
    "community",
    "jobletters",
    "privacy",
    "profiles",
    "recruiters",
    "support",
    "taxonomy",
    "usage",
]


# Emails that are not account or transaction emails, by the category their code gives them.
CATEGORIES = {"communications/emails/announcement": Category.ANNOUNCEMENTS}


def _now():
    return dt.datetime(2026, 11, 29, 14, 30, tzinfo=dt.UTC)


def _inquiry():
    return SimpleNamespace(name="Sam Seeker", reference="JL-4821", subject="Invoice")


# --- The project's emails ------------------------------------------------------------------


def _project_samples(seeker):
    from recruiters.packets import build_snapshot, email_context
    from tests.recruiters.builders import ready_seeker

    ready_seeker(seeker, sends=0)
    packet = email_context(
        snapshot=build_snapshot(seeker=seeker, include_contact=True),
        reason="Places lawyers in London",
        role="Lawyers",
        place="London, United Kingdom",
        recruiter=SimpleNamespace(name="Rita Recruiter"),
        packet_link=f"{SITE_URL}/p/token/",
        opt_out_link=f"{SITE_URL}/r/opt-out/token/",
    )
    answered = SimpleNamespace(
        recipient_name="Alex Carter, Harper Legal", role="Lawyers", place="London"
    )
    version = SimpleNamespace(
        get_document_display="privacy policy",
        version=2,
        effective_at=_now(),
        changelog="We keep sign-ins for 60 days instead of 90.",
    )
    legal = SimpleNamespace(
        agency="Metropolitan Police",
        received_on=_now().date(),
        reference="MP/2026/1",
        legal_basis="Court order",
        get_status_display="Answered",
    )
    change = SimpleNamespace(get_kind_display="Added", summary="Mailgun sends our email")
    announcement = Content(
        subject="New: recruiters in Berlin",
        html=mark_safe("<p>We now cover Berlin.</p>"),
        text="We now cover Berlin.",
    )
    return {
        "billing/emails/sends_added": {
            "name": "Sam",
            "plan_name": "10 sends",
            "sends": 10,
            "amount": 2500,
            "currency": "gbp",
            "balance": 10,
            "billing_path": "/billing/",
        },
        "communications/emails/announcement": {
            "content": announcement,
            "person": seeker,
            "test": False,
        },
        "privacy/emails/account_erased": {"support_email": SUPPORT_EMAIL},
        "privacy/emails/deletion_cancelled": {"user": seeker},
        "privacy/emails/deletion_requested": {
            "deletion": SimpleNamespace(grace_ends_at=_now(), due_at=_now()),
            "user": seeker,
        },
        "privacy/emails/export_ready": {
            "export": SimpleNamespace(expires_at=_now()),
            "url": f"{SITE_URL}/privacy/export/",
        },
        "privacy/emails/legal_notice": {
            "request": legal,
            "categories": ["Contact details", "Sign-ins"],
            "disclosed": True,
            "my_data_url": f"{SITE_URL}/privacy/my-data/",
        },
        "privacy/emails/processor_confirm": {
            "confirm_url": f"{SITE_URL}/privacy/subprocessors/confirm/token/",
            "list_url": f"{SITE_URL}/privacy/subprocessors/",
            "days": 7,
        },
        "privacy/emails/processor_notice": {
            "changes": [change],
            "list_url": f"{SITE_URL}/privacy/subprocessors/",
            "unsubscribe_url": f"{SITE_URL}/privacy/subprocessors/stop/token/",
        },
        "privacy/emails/version_notice": {
            "version": version,
            "url": f"{SITE_URL}/privacy/versions/2/",
            "notice_days": 30,
            "support_email": SUPPORT_EMAIL,
        },
        "recruiters/emails/packet": packet,
        "recruiters/emails/answer": {
            "seeker": seeker,
            "delivery": answered,
            "answer": SimpleNamespace(
                get_kind_display="Interested — contact me", message="Let us talk.\nMonday?"
            ),
            "kind": "interested",
            "recruiter_email": "alex@harper.example",
            "report_url": f"{SITE_URL}/recruiters/sends/#packet-1",
            "blind": False,
        },
        "recruiters/emails/introduction": {
            "recruiter": SimpleNamespace(name="Alex Carter"),
            "delivery": answered,
            "name": "Sam Seeker",
            "email": "sam@example.com",
        },
        "support/emails/answer": {
            "inquiry": _inquiry(),
            "answer": SimpleNamespace(body="It is on its way."),
            "url": f"{SITE_URL}/support/1/",
        },
        "support/emails/received": {
            "inquiry": _inquiry(),
            "signed_in": True,
            "url": f"{SITE_URL}/support/1/",
        },
        "support/emails/staff_notice": {
            "inquiry_id": 1,
            "admin_url": f"{SITE_URL}/admin/support/inquiry/1/change/",
        },
    }


def _project_email_names() -> set[str]:
    return {
        str(path.relative_to(TEMPLATES_DIR))[: -len("_subject.txt")]
        for path in TEMPLATES_DIR.rglob("*_subject.txt")
        if path.relative_to(TEMPLATES_DIR).parts[0] not in ALLAUTH_EMAIL_APPS
    }


def _names_in_code() -> set[str]:
    """Every "<app>/emails/<name>" string the code passes to the email functions."""
    found = set()
    for folder in SOURCE_DIRS:
        for path in (Path(settings.BASE_DIR) / folder).rglob("*.py"):
            found |= set(re.findall(r"[\"']([a-z_]+/emails/[a-z_]+)[\"']", path.read_text()))
    return found


# --- allauth's emails ------------------------------------------------------------------------


def _allauth_email_names() -> set[str]:
    return {
        f"{app}/email/{path.name[: -len('_subject.txt')]}"
        for app in ALLAUTH_EMAIL_APPS
        for path in (ALLAUTH_TEMPLATES / app / "email").glob("*_subject.txt")
    }


def _allauth_samples(seeker, request):
    # Links as allauth builds them: from the host the request came in on.
    here = request.build_absolute_uri
    confirm = {"user": seeker, "key": "abc:def", "activate_url": here("/accounts/confirm-email/k/")}
    notice = {"user": seeker, "timestamp": _now(), "ip": "203.0.113.7", "user_agent": "Firefox"}
    return {
        "account/email/email_confirmation": confirm,
        "account/email/email_confirmation_signup": confirm,
        "account/email/password_reset_key": {
            "user": seeker,
            "password_reset_url": here("/accounts/password/reset/key/1-set/"),
            "token": "set",
            "request": request,
        },
        "account/email/password_reset_code": {"user": seeker, "code": "ABC123"},
        "account/email/login_code": {"code": "XYZ789", "reauthentication": False},
        "account/email/account_already_exists": {
            "signup_url": here("/accounts/signup/"),
            "password_reset_url": here("/accounts/password/reset/"),
        },
        "account/email/unknown_account": {"signup_url": here("/accounts/signup/")},
        "account/email/password_changed": notice,
        "account/email/password_set": notice,
        "account/email/password_reset": notice,
        "account/email/email_confirm": notice,
        "account/email/email_changed": {
            **notice,
            "from_email": "old@example.com",
            "to_email": "new@example.com",
        },
        "account/email/email_deleted": {**notice, "deleted_email": "old@example.com"},
        "mfa/email/totp_activated": notice,
        "mfa/email/totp_deactivated": notice,
        "mfa/email/recovery_codes_generated": notice,
        "mfa/email/webauthn_added": notice,
        "mfa/email/webauthn_removed": notice,
    }


def _allauth_default_phrases() -> set[str]:
    """The wording of allauth's own email templates, in pieces of three words or more."""
    phrases = set()
    for app in ALLAUTH_EMAIL_APPS:
        for path in (ALLAUTH_TEMPLATES / app / "email").glob("*.txt"):
            source = path.read_text()
            texts = re.findall(
                r"{%\s*blocktrans(?:late)?\b[^%]*%}(.*?){%\s*endblocktrans(?:late)?\s*%}",
                source,
                re.S,
            )
            texts += re.findall(r"{%\s*trans(?:late)?\s+\"([^\"]+)\"", source)
            for text in texts:
                for piece in re.split(r"{{[^}]*}}|[.!?:\n]", text):
                    words = piece.split()
                    if len(words) >= 3:
                        phrases.add(" ".join(words).lower())
    return phrases


# --- The checks ----------------------------------------------------------------------------


def _problems(name: str, subject: str, text: str, html: str, phrases: set[str]) -> list[str]:
    problems = []
    parts = {"subject": subject, "text": text, "html": html}
    for part, content in parts.items():
        flat = " ".join(content.split())
        if MISSING in content:
            problems.append(f"{part}: a placeholder is not filled ({MISSING})")
        if re.search(r"{{|}}|{%|%}|%\(\w+\)s", content):
            problems.append(f"{part}: template syntax left in it")
        if re.search(r"\(\s*\)|\[\s*\]", flat):
            problems.append(f"{part}: empty brackets")
        if re.search(r"localhost|127\.0\.0\.1|testserver|example\.com/", content):
            problems.append(f"{part}: a link that is not on {SITE_URL}")
        if "Job Letters" in content:
            problems.append(f"{part}: names the site as 'Job Letters', not by SITE_NAME")
        if any(phrase in flat.lower() for phrase in phrases):
            found = sorted(p for p in phrases if p in flat.lower())
            problems.append(f"{part}: allauth's default wording: {found}")
    for url in re.findall(r"https?://[^\s\"'<>)]+", text + html):
        url = url.rstrip(".,;:")
        if not url.startswith(SITE_URL + "/") and url != SITE_URL:
            problems.append(f"a link off the site's address: {url}")
    for part in ("text", "html"):
        if SITE_NAME not in parts[part]:
            problems.append(f"{part}: does not name the site ({SITE_NAME})")
        if SITE_URL not in parts[part]:
            problems.append(f"{part}: does not give the site's address ({SITE_URL})")
    if not subject.strip():
        problems.append("subject: empty")
    return [f"{name}: {problem}" for problem in problems]


@pytest.fixture
def strict_site(settings):
    settings.SITE_NAME = SITE_NAME
    settings.SITE_URL = SITE_URL
    settings.SUPPORT_EMAIL = SUPPORT_EMAIL
    settings.DEFAULT_FROM_EMAIL = f"{SITE_NAME} <no-reply@careers.acme.test>"
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {**engine["OPTIONS"], "string_if_invalid": MISSING}
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]


def test_every_project_email_has_a_sample_here_and_every_one_in_the_code_exists():
    names = _project_email_names()
    in_code = _names_in_code()
    assert in_code, "no email template names found in the code"
    assert in_code <= names, f"emails the code sends without templates: {in_code - names}"
    for name in names:
        for suffix in ("_subject.txt", ".txt", ".html"):
            assert (TEMPLATES_DIR / f"{name}{suffix}").exists(), f"{name}{suffix} is missing"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_project_email_renders_as_ours(strict_site, seeker, language):
    samples = _project_samples(seeker)
    assert set(samples) == _project_email_names(), "add a sample context for each email"
    phrases = _allauth_default_phrases()
    problems, rendered = [], []
    for name, context in sorted(samples.items()):
        # Queued as the code queues it (announcements with their unsubscribe link), and
        # read back from the outbox as the worker would send it.
        if name in CATEGORIES:
            entry = categories.queue_email(
                template=name,
                context=context,
                person=seeker,
                category=CATEGORIES[name],
                language=language,
            )
        else:
            entry = queue_email(
                template=name, to=[seeker.email], context=context, person=seeker, language=language
            )
        sent = entry.payload
        problems += _problems(name, sent["subject"], sent["text"], sent["html"], phrases)
        rendered.append(sent["text"])
    if language == "fr":  # the catalogue is in use: the emails are not all in English
        assert any("Bonjour" in text for text in rendered), "no email rendered in French"
    assert not problems, "\n".join(problems)


def test_every_allauth_email_comes_from_our_templates(settings):
    ours = str(TEMPLATES_DIR)
    for name in sorted(_allauth_email_names()):
        for suffix in ("_subject.txt", "_message.txt", "_message.html"):
            origin = get_template(f"{name}{suffix}").origin.name
            assert origin.startswith(ours), f"{name}{suffix} comes from {origin}"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_allauth_email_renders_as_ours(strict_site, seeker, language):
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    request.user = seeker
    samples = _allauth_samples(seeker, request)
    assert set(samples) == _allauth_email_names(), "add a sample context for each allauth email"
    adapter = AccountAdapter(request)
    phrases = _allauth_default_phrases()
    assert len(phrases) > 20, "allauth's wording was not found"
    problems = []
    with allauth_context.request_context(request), translation.override(language):
        for name, context in sorted(samples.items()):
            ctx = adapter.email_context(seeker.email, context)
            message = adapter.render_mail(name, seeker.email, ctx)
            [(html, _)] = message.alternatives
            problems += _problems(name, message.subject, message.body, html, phrases)
            if "code" in context:
                assert context["code"] in message.body and context["code"] in html, name
    assert not problems, "\n".join(problems)


def test_the_confirmation_email_by_code_carries_the_code(strict_site, seeker):
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    adapter = AccountAdapter(request)
    with allauth_context.request_context(request):
        ctx = adapter.email_context(seeker.email, {"user": seeker, "code": "QW7ZP2"})
        message = adapter.render_mail("account/email/email_confirmation_signup", seeker.email, ctx)
    [(html, _)] = message.alternatives
    assert "QW7ZP2" in message.body and "QW7ZP2" in html
    assert _problems("code", message.subject, message.body, html, _allauth_default_phrases()) == []


def test_the_site_name_comes_from_the_environment():
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SITE_NAME, '|', s.ACCOUNT_EMAIL_SUBJECT_PREFIX, '|', s.MFA_TOTP_ISSUER, '|', "
        "s.DEFAULT_FROM_EMAIL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SITE_NAME": SITE_NAME},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert [part.strip() for part in result.stdout.split("|")] == [
        SITE_NAME,
        f"[{SITE_NAME}]",
        SITE_NAME,
        f"{SITE_NAME} <no-reply@jobletters.example>",
    ]
