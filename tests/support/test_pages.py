"""The support pages are reachable from every page and from the dashboard's demo data."""

from __future__ import annotations

import io

import pytest

from support import demo
from support.models import Inquiry

pytestmark = pytest.mark.django_db


def test_every_page_links_to_the_contact_form(client, seeker_client):
    for who in (client, seeker_client):
        assert 'href="/support/"' in who.get("/privacy/data/").content.decode()


def test_demo_data_gives_the_demo_seeker_an_answered_inquiry_once(seeker, staff):
    for _ in range(2):
        demo.load(seeker=seeker, staff=staff, stdout=io.StringIO())
    inquiry = Inquiry.objects.get(person=seeker)
    assert inquiry.state == "answered" and inquiry.messages.count() == 2
