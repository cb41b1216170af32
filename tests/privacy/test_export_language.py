"""§1, §7 What we hold about a person is told in their language: their data pages, the copy
of their data (in their saved language; what programs read, file names, JSON keys and the
manifest's keys, is the same in every language) and the log of legal disclosures."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from accounts.models import User
from privacy.models import ExportRequest
from privacy.registry.declarations import declaration_for, declarations
from privacy.rights.export import BUILD_EXPORT, build_export, request_export

from .builders import person_with_everything

pytestmark = pytest.mark.django_db


def _copy(person, key: str) -> zipfile.ZipFile:
    export = ExportRequest.objects.create(person=person)
    export = build_export(export_id=export.pk, file_key=f"exports/{key}.zip")
    assert export.state == "ready"
    with default_storage.open(export.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _documents(archive: zipfile.ZipFile) -> dict[str, dict]:
    return {n: json.loads(archive.read(n)) for n in archive.namelist() if n.endswith(".json")}


def _keys(value) -> object:
    """The keys of a JSON document, all the way down, without the words or how many."""
    if isinstance(value, dict):
        return {k: _keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted({json.dumps(_keys(v), sort_keys=True) for v in value})
    return None


def test_a_french_persons_copy_is_in_french_with_the_same_files_and_keys(seeker, staff):
    person_with_everything(seeker, staff=staff)
    english = _copy(seeker, "english")
    User.objects.filter(pk=seeker.pk).update(language="fr")
    seeker.refresh_from_db()
    french = _copy(seeker, "french")

    assert sorted(french.namelist()) == sorted(english.namelist())  # the same file names
    in_english, in_french = _documents(english), _documents(french)
    account = declaration_for(User)
    path = f"data/{account.slug}.json"
    assert path == "data/2-1-your-account.json"
    assert in_english[path]["purpose"].startswith("To set up your account")
    assert in_french[path]["purpose"].startswith("Pour créer votre compte")
    assert in_french[path]["category"] == "Votre compte"
    assert in_french[path]["retention"].startswith("Supprimé 7 jours après")
    assert "As long as you keep your account" not in json.dumps(in_french, ensure_ascii=False)
    assert in_french[path]["policy_section"] != in_english[path]["policy_section"]
    assert in_french[path]["policy_section"].startswith("§2.1 ")
    for name, document in in_english.items():
        if name == "manifest.json":
            del document["generated_at"], in_french[name]["generated_at"]
            assert document["language"] == "en" and in_french[name]["language"] == "fr"
        # Keys (and so field names) are English in both.
        assert _keys(in_french[name]) == _keys(document), name
    [record] = in_french[path]["records"]  # what we hold, as it is
    assert (record["email"], record["name"], record["language"]) == (
        seeker.email,
        "Sam Seeker",
        "fr",
    )
    held = {d.slug: d for d in declarations() if d.held}
    for slug, declaration in held.items():
        if declaration.about is None:
            continue  # staff records: not in a seeker's copy
        document = in_french[f"data/{slug}.json"]
        assert set(document["held_but_not_exported"]) == set(declaration.held)

    readme = french.read("README.txt").decode()
    assert readme.startswith("Vos données de ")
    assert "Pour créer votre compte" in readme
    assert "français" in readme  # it says which language the words are in
    assert "Your data from" in english.read("README.txt").decode()


def test_the_language_is_only_the_copys(seeker, staff):
    """Building a French copy leaves the worker's own language as it was."""
    seeker.language = "fr"
    seeker.save(update_fields=["language"])
    with translation.override("en"):
        _copy(seeker, "french")
        assert translation.get_language() == "en"


def _legal_request():
    """A request under review that names the account and the email addresses."""
    from privacy.models import LegalRequest

    return LegalRequest.objects.create(
        agency="Metropolitan Police",
        legal_basis="Production order",
        received_on=timezone.localdate(),
        data_categories=["2-1-your-account", "2-1-email-addresses"],
        status="under_review",
    )


def test_a_disclosure_is_logged_in_the_persons_language_not_the_staff_members(
    seeker, other_seeker, staff
):
    from privacy.accountability import legal
    from privacy.models import Disclosure, LegalRequestSubject

    User.objects.filter(pk=seeker.pk).update(language="fr")
    request = _legal_request()
    for person in (seeker, other_seeker):  # told already: the log shows it at once
        LegalRequestSubject.objects.create(
            request=request, person=person, notified_at=timezone.now()
        )
    with translation.override("fr"):  # the staff member's admin is in French
        legal.disclose_request(request=request, staff=staff, in_part=False)
    french = Disclosure.objects.get(person=seeker).data_categories
    english = Disclosure.objects.get(person=other_seeker).data_categories
    assert french == ["Votre compte", "Adresses e-mail"]
    assert english == ["Your account", "Email addresses"]


def test_the_notice_of_a_legal_request_names_the_data_in_the_persons_language(seeker):
    from django.core import mail

    from jobletters import outbox
    from privacy.accountability import legal
    from privacy.models import LegalRequestSubject

    User.objects.filter(pk=seeker.pk).update(language="fr")
    request = _legal_request()
    LegalRequestSubject.objects.create(request=request, person=seeker)
    with translation.override("en"):  # the worker's own language
        assert legal.send_due_notices() == 1
        outbox.run_due()
    [email] = mail.outbox
    assert "Votre compte, Adresses e-mail" in email.body
    assert "Your account" not in email.body


def test_your_data_pages_are_in_the_persons_language_with_english_links(seeker, seeker_client):
    import html

    User.objects.filter(pk=seeker.pk).update(language="fr")
    page = html.unescape(seeker_client.get("/privacy/my-data/").content.decode())
    assert "Votre compte" in page and "Pour créer votre compte" in page
    assert "Pour fournir le service auquel vous vous êtes inscrit" in page
    assert "Supprimé 7 jours après l\u2019inscription" in page
    assert "To set up your account" not in page and "As long as you keep" not in page
    assert "viennent des déclarations de notre code" not in page  # no "in English" note
    assert 'href="/privacy/my-data/2-1-your-account/"' in page  # the slug stays English
    category = html.unescape(
        seeker_client.get("/privacy/my-data/2-1-your-account/").content.decode()
    )
    assert "<h1>Votre compte</h1>" in category
    assert "Une empreinte irréversible de votre mot de passe" in category
    assert "A one-way hash" not in category


def test_a_copy_that_could_not_be_made_says_so_in_the_persons_language(seeker, monkeypatch):
    from jobletters import outbox
    from jobletters.models import OutboxEntry
    from privacy.rights import export as export_module

    def broken(plan):
        raise OSError("disk full")
        yield b""  # pragma: no cover

    monkeypatch.setattr(export_module, "build_archive", broken)
    User.objects.filter(pk=seeker.pk).update(language="fr")
    seeker.refresh_from_db()
    export = request_export(user=seeker)
    with translation.override("en"):  # the worker's own language
        for _ in range(5):  # each try fails and is retried with backoff, then given up
            OutboxEntry.objects.filter(kind=BUILD_EXPORT, state="pending").update(
                due_at=timezone.now()
            )
            outbox.run_due()
    export.refresh_from_db()
    assert export.state == "failed"
    assert export.error.startswith("Nous n\u2019avons pas pu préparer votre copie.")
    assert export.step == "Échoué"
