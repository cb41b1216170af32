"""Recruiters see the job letter's formatting, never its asterisks: on the packet page, in
the packet email's HTML part and, in words, in its plain-text part."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from profiles import services as profile_services

from . import builders as b
from .builders import send_to, token_for

pytestmark = pytest.mark.django_db

TYPED = """Dear recruiter,

I bring **contract law** and:
- M&A
- GDPR

My work: https://example.com/sam and [my blog](https://blog.example/sam)."""


@pytest.fixture
def alex(seeker):
    b.ready_seeker(seeker)
    profile_services.update_job_letter(user=seeker, text=TYPED)
    return b.recruiter(
        name="Alex Carter", occupations=[b.occupation("2611")], places=[b.city("London")]
    )


def _letter(html: str) -> str:
    return html.split('class="job-letter"', 1)[1].split("</section>", 1)[0]


def test_the_packet_shows_formatting_and_never_asterisks(seeker, alex):
    send_to(seeker, alex)
    message = next(m for m in mail.outbox if m.to == [alex.email])
    email_html = _letter(message.alternatives[0][0])
    page = _letter(Client().get(f"/p/{token_for(alex)}/").content.decode())
    for html in (email_html, page):
        assert "I bring <strong>contract law</strong> and:" in html
        assert "<li>M&amp;A</li>" in html and "<li>GDPR</li>" in html
        assert '<a href="https://example.com/sam"' in html
        assert ">my blog</a>" in html
        assert "**" not in html and "[my blog]" not in html

    text = message.body
    assert "I bring contract law and:\n\n- M&A\n- GDPR" in text
    assert "My work: https://example.com/sam and my blog (https://blog.example/sam)." in text
    assert "**" not in text and "<" not in text.split("JOB LETTER", 1)[1].split("Open the")[0]


def test_a_packet_sent_before_shows_its_letter_as_it_was(seeker, alex):
    delivery = send_to(seeker, alex)
    send = delivery.send
    # Packets sent before letters were typed kept the letter as sanitised HTML.
    send.snapshot["job_letter"] = "Dear recruiter,\nHello\n\nI advise on <strong>M&amp;A</strong>."
    send.save(update_fields=["snapshot"])
    page = _letter(Client().get(f"/p/{token_for(alex)}/").content.decode())
    assert "<p>Dear recruiter,<br>\nHello</p>" in page
    assert "<p>I advise on <strong>M&amp;A</strong>.</p>" in page
