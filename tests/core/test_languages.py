"""Pages and emails in the reader's language (policy §2.8): English and French.

The browser's Accept-Language picks the language; the language menu overrides it
(a visitor's browser-session cookie, a signed-in person's account); a person's
emails follow their account's language; recruiters' packet emails their first
listed language when the site speaks it.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from accounts.models import User
from jobletters.lib.languages import email_language, language_of_words
from privacy.registry.declarations import declaration_for, declarations
from support import services as support

from ..utils import run_outbox

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PASSWORD = "a-long-and-unusual-passphrase"


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _main(html: str) -> str:
    """The page's own content, without the layout's navigation and footer."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


# --- Accept-Language ---------------------------------------------------------------------


def test_a_french_browser_gets_the_landing_page_in_french_and_an_english_one_in_english():
    french = Client(**FRENCH).get("/")
    html = _html(french)
    assert '<html lang="fr">' in html
    assert "Envoyez votre CV aux recruteurs qui placent des profils comme le vôtre" in html
    assert "Créer un compte" in html
    assert "Send your CV to the recruiters" not in html
    assert french["Content-Language"] == "fr"
    assert "Accept-Language" in french["Vary"]  # shared caches keep one copy per language

    english = _html(Client(**ENGLISH).get("/"))
    assert '<html lang="en">' in english
    assert "Send your CV to the recruiters who place people like you" in english


def test_the_sign_in_and_sign_up_pages_are_in_french():
    client = Client(**FRENCH)
    assert "Se connecter" in _main(_html(client.get("/accounts/login/")))
    signup = _main(_html(client.get("/accounts/signup/")))
    assert "S\u2019inscrire" in signup
    assert "conditions d\u2019utilisation" in signup


def test_the_dashboard_and_profile_are_in_french_for_a_french_browser(seeker_client):
    seeker_client.defaults.update(FRENCH)
    dashboard = _main(_html(seeker_client.get("/dashboard/")))
    assert "Bonjour Sam" in dashboard
    assert "Votre compte et votre vie privée" in dashboard
    assert "Votre profil" in dashboard

    profile = _main(_html(seeker_client.get("/profile/")))
    assert "Enregistrer le profil" in profile
    assert "Nom complet" in profile  # a form label from Python
    assert "Coordonnées (jamais communiquées aux recruteurs)" in profile
    assert "Save profile" not in profile


def test_a_recruiters_packet_page_is_in_the_recruiters_browser_language(seeker):
    from ..recruiters import builders as b
    from ..recruiters.test_packets import send_to, token_for

    b.ready_seeker(seeker)
    recruiter = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    send_to(seeker, recruiter)
    token = token_for(recruiter)

    html = _html(Client(**FRENCH).get(f"/p/{token}/"))
    assert '<html lang="fr">' in html
    assert "a choisi de vous envoyer sa candidature" in html
    assert "Télécharger le CV" in html
    assert "Cette page privée fonctionne jusqu\u2019au" in html
    english = _html(Client(**ENGLISH).get(f"/p/{token}/"))
    assert "Download the CV" in english


# --- The language menu ---------------------------------------------------------------------


def test_every_page_offers_the_language_menu_as_a_plain_form():
    html = _html(Client(**ENGLISH).get("/"))
    menu = html.split('action="/accounts/language/"', 1)[1].split("</form>", 1)[0]
    assert '<form method="post" action="/accounts/language/"' in html
    assert '<option value="fr" lang="fr">Français</option>' in menu
    assert 'value="en" lang="en" selected' in menu
    assert '<button type="submit"' in menu  # works without scripts


def test_a_signed_in_persons_choice_is_saved_on_the_account_and_beats_the_browser(
    seeker, seeker_client
):
    seeker_client.defaults.update(ENGLISH)
    response = seeker_client.post("/accounts/language/", {"language": "fr", "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    seeker.refresh_from_db()
    assert seeker.language == "fr"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # the account keeps it

    page = seeker_client.get("/dashboard/")  # the browser still asks for English
    assert page["Content-Language"] == "fr"
    html = _html(page)
    assert "Votre langue a été enregistrée sur votre compte." in html
    assert "Votre tableau de bord" in html or "Bonjour Sam" in html

    seeker_client.post("/accounts/language/", {"language": "en", "next": "/dashboard/"})
    seeker.refresh_from_db()
    assert seeker.language == "en"
    assert "Hello, Sam" in _html(seeker_client.get("/dashboard/", **FRENCH))


def test_a_signed_in_person_must_send_the_forms_token(seeker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker)
    response = client.post("/accounts/language/", {"language": "fr"}, **SAME_ORIGIN)
    assert response.status_code == 403
    seeker.refresh_from_db()
    assert seeker.language == ""


def test_a_visitors_choice_is_a_browser_session_cookie_from_our_own_pages_only():
    client = Client(**ENGLISH)
    response = client.post("/accounts/language/", {"language": "fr", "next": "/"}, **SAME_ORIGIN)
    assert response.status_code == 302 and response["Location"] == "/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "Envoyez votre CV" in _html(client.get("/"))

    elsewhere = Client().post(
        "/accounts/language/", {"language": "fr"}, HTTP_ORIGIN="https://evil.example"
    )
    assert elsewhere.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in elsewhere.cookies


@pytest.mark.parametrize("bad", ["", "de", "klingon", "fr" * 40])
def test_an_unknown_language_is_refused_with_a_message(bad):
    client = Client()
    response = client.post("/accounts/language/", {"language": bad}, **SAME_ORIGIN)
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert "Choose one of the languages in the list." in _html(client.get("/privacy/cookies/"))


def test_the_menu_never_leads_off_the_site():
    response = Client().post(
        "/accounts/language/", {"language": "fr", "next": "https://evil.example/"}, **SAME_ORIGIN
    )
    assert response["Location"] == "/"


def test_only_a_post_changes_the_language():
    assert Client().get("/accounts/language/?language=fr").status_code == 405


def test_the_saved_language_is_in_the_persons_export(seeker):

    declaration = declaration_for(User)
    assert "language" in declaration.fields


# --- Emails in the recipient's language ----------------------------------------------------


def test_signing_up_in_french_keeps_french_and_confirms_the_address_in_french():
    client = Client(**FRENCH)
    response = client.post(
        "/accounts/signup/",
        {"email": "aline@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(email="aline@example.com").language == "fr"
    run_outbox()
    [message] = mail.outbox
    assert message.subject.endswith(
        "Confirmez votre adresse e-mail pour terminer votre inscription"
    )
    assert "Pour confirmer l\u2019adresse, ouvrez ce lien" in message.body
    assert "/accounts/confirm-email/" in message.body
    html, _ = message.alternatives[0]
    assert '<html lang="fr">' in html
    assert "Confirm your email address" not in html and "Confirm your email address" not in (
        message.body
    )


def test_signing_up_in_english_keeps_english():
    Client(**ENGLISH).post(
        "/accounts/signup/",
        {"email": "ed@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(email="ed@example.com").language == "en"
    run_outbox()
    assert "To confirm the address, open this link" in mail.outbox[0].body


def test_a_support_answer_is_in_the_persons_language_whoever_queues_it(seeker, staff):
    seeker.language = "fr"
    seeker.save(update_fields=["language"])
    inquiry = support.submit_inquiry(
        person=seeker, email=seeker.email, name="", subject="Mon CV", body="Bonjour"
    )
    support.answer_inquiry(inquiry=inquiry, staff=staff, body="Voici la réponse.")  # no request
    run_outbox()
    [answer] = [m for m in mail.outbox if m.to == [seeker.email] and m.subject.startswith("Re")]
    assert answer.subject == f"Re : Mon CV ({inquiry.reference})"
    assert "Voir toute la conversation et répondre" in answer.body
    assert "Voici la réponse." in answer.body
    html, _ = answer.alternatives[0]
    assert "Voir toute la conversation et répondre" in html
    assert "Vous recevez cet e-mail parce que vous avez écrit à l\u2019assistance" in html
    assert "See the whole conversation" not in html + answer.body


def test_an_email_to_an_address_without_an_account_follows_the_page_it_was_asked_from():
    from django.utils import translation

    with translation.override("fr"):
        assert email_language(["visitor@example.com"]) == "fr"
    assert email_language(["visitor@example.com"]) == settings.LANGUAGE_CODE


def test_a_persons_saved_language_wins_over_the_page_language(seeker):
    from django.utils import translation

    seeker.language = "fr"
    seeker.save(update_fields=["language"])
    with translation.override("en"):
        assert email_language([seeker.email]) == "fr"
        assert email_language(["someone@else.example"], person=seeker) == "fr"


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (["French", "English"], "fr"),
        (["Français"], "fr"),
        (["  FRENCH "], "fr"),
        (["English", "French"], "en"),
        (["German", "French"], "en"),  # the first listed, if we have it; else English
        ([], "en"),
    ],
)
def test_a_recruiters_emails_follow_the_first_language_they_list(languages, expected):
    assert language_of_words(languages) == expected


def test_a_french_speaking_recruiter_gets_the_packet_email_in_french(seeker):
    from ..recruiters import builders as b
    from ..recruiters.test_packets import send_to

    b.ready_seeker(seeker)
    recruiter = b.recruiter(
        occupations=[b.occupation("2611")], places=[b.city("London")], languages=["French"]
    )
    send_to(seeker, recruiter)
    [message] = [m for m in mail.outbox if m.to == [recruiter.email]]
    assert message.subject.startswith("Candidat pour ")
    assert "a choisi de vous envoyer sa candidature" in message.body
    assert "Ne plus recevoir de dossiers (en un clic)" in message.body
    html, _ = message.alternatives[0]
    assert "Ouvrir le dossier et télécharger le CV" in html


# --- The catalogue -------------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_french_catalogue_is_complete_and_compiled(domain):
    po = polib.pofile(str(CATALOGUE / f"{domain}.po"))
    assert len(po) > (1000 if domain == "django" else 20)
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"

    def table(catalogue: polib._BaseFile) -> dict:
        rows = {}
        for e in catalogue:
            if e.obsolete or "fuzzy" in e.flags:
                continue
            key = (e.msgctxt, e.msgid, e.msgid_plural)
            rows[key] = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural)) or e.msgstr
        return rows

    mo = polib.mofile(str(CATALOGUE / f"{domain}.mo"))
    assert table(mo) == table(po)  # the compiled file is the current one


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_translation_keeps_its_placeholders_and_markup(domain):
    placeholder = re.compile(r"%\([a-zA-Z_]+\)[sd]|%[sd]|\{[a-z_]*\}|</?[a-z][^>]*>")
    for entry in polib.pofile(str(CATALOGUE / f"{domain}.po")):
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        targets = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for target in targets:
            plural = entry.msgid_plural and target == entry.msgstr_plural.get(1)
            source = sources[1] if plural else sources[0]
            assert sorted(set(placeholder.findall(source))) == sorted(
                set(placeholder.findall(target))
            ), (entry.msgid, target)


# --- No location from IP addresses (§2.8) ----------------------------------------------------


def test_no_location_is_derived_from_ip_addresses():
    """No GeoIP database is configured and no code could read one (README, "Location")."""
    assert not getattr(settings, "GEOIP_PATH", None)
    assert "django.contrib.gis" not in settings.INSTALLED_APPS
    root = Path(settings.BASE_DIR)
    ours = [
        p
        for p in root.rglob("*.py")
        if not {".venv", "node_modules", "var", "build", "tests"} & set(p.relative_to(root).parts)
    ]
    assert len(ours) > 100
    geo = re.compile(r"geoip|maxmind|GeoLite|ip2location", re.IGNORECASE)
    assert [str(p) for p in ours if geo.search(p.read_text(errors="replace"))] == []


def test_the_data_inventorys_file_names_and_stored_keys_do_not_depend_on_the_language():
    from django.utils import translation

    english = {d.model: d.slug for d in declarations()}
    with translation.override("fr"):
        french = {d.model: d.slug for d in declarations()}
        assert str(declaration_for(User).model._meta.verbose_name) == "utilisateur"
    assert french == english
    assert len(set(english.values())) == len(english)


def test_an_answer_to_a_visitor_is_in_the_language_they_wrote_in_not_the_staffs(staff):
    from django.utils import translation

    with translation.override("fr"):  # the visitor's page
        inquiry = support.submit_inquiry(
            person=None, email="visiteur@example.com", subject="Question", body="Bonjour"
        )
    assert inquiry.language == "fr"
    with translation.override("en"):  # the member of staff's admin
        support.answer_inquiry(inquiry=inquiry, staff=staff, body="Voici.")
    run_outbox()
    [answer] = [m for m in mail.outbox if m.subject.startswith("Re")]
    assert "Pour nous écrire à nouveau" in answer.body


def test_a_requests_language_ends_with_the_request():
    from django.utils import translation

    Client(**FRENCH).get("/")
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_a_visitors_processor_notices_are_in_the_language_they_subscribed_in():
    from django.utils import translation

    from privacy.documents import processors

    with translation.override("fr"):
        subscription = processors.confirm_visitor_subscription(email="abonne@example.com")
    assert subscription.language == "fr"
    with translation.override("en"):  # a worker or a member of staff's request
        processors.notice_email(subscription, {"changes": [], "list_url": "/"}, key="n-1")
    run_outbox()
    [notice] = [m for m in mail.outbox if m.to == ["abonne@example.com"]]
    assert "Arrêter ces e-mails" in notice.body
