"""The contact form and support inquiries in French, for a browser that asks for it."""

from __future__ import annotations

import pytest
from django.test import Client

from . import builders as b

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def test_the_contact_form_speaks_french_when_the_browser_asks():
    html = Client(**FRENCH).get("/support/").content.decode()
    assert "Nous contacter" in html
    assert "nous répondons par e-mail" in html
    assert "les supprimons 365 jours après la clôture de la demande" in html
    assert "Contact us" not in html.split("<footer")[0]


def test_a_message_sent_in_french_is_thanked_in_french():
    client = Client(**FRENCH)
    response = b.write(client, email="vera@example.com", name="Vera")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "nous avons bien reçu votre message" in html


def test_inquiries_speak_french_to_a_person_who_chose_it(seeker, seeker_client, settings):
    inquiry = b.inquiry_for(seeker, subject="Mon CV")
    seeker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    listing = seeker_client.get("/support/inquiries/").content.decode()
    assert "Vos demandes d\u2019assistance" in listing and "Mon CV" in listing
    page = seeker_client.get(f"/support/inquiries/{inquiry.pk}/").content.decode()
    assert f"Demande {inquiry.reference}" in page
    assert "Envoyer la réponse" in page
