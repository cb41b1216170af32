"""The community pages in French, for a browser that asks for it."""

from __future__ import annotations

import pytest
from django.test import Client

from . import builders as b

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def test_the_thread_list_speaks_french_when_the_browser_asks(seeker):
    b.comment_by(seeker, b.thread_by(seeker, title="Chercher à Lyon"))
    html = Client(**FRENCH).get("/community/").content.decode()
    assert "Communauté" in html
    assert "Connectez-vous pour lancer un fil" in html
    assert "1 commentaire" in html
    assert "Chercher à Lyon" in html  # what people write is shown as written
    assert "Log in to start a thread" not in html


def test_a_thread_speaks_french_to_a_reader_who_chose_it(seeker, seeker_client, settings):
    thread = b.thread_by(seeker)
    b.comment_by(seeker, thread)
    b.comment_by(seeker, thread, body="And the job centre.")
    seeker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = seeker_client.get(f"/community/{thread.pk}/").content.decode()
    assert "2 commentaires" in html
    assert "Ajouter un commentaire" in html and "Publier le commentaire" in html
    assert "Modifier" in html and "Supprimer" in html
    assert "Add a comment" not in html


def test_the_new_thread_form_loads_the_french_words_of_its_script(seeker_client):
    html = seeker_client.get("/community/new/", **FRENCH).content.decode()
    assert "Lancer un fil" in html
    assert '<script src="/jsi18n/fr/" defer></script>' in html
