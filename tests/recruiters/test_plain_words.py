"""Plain words, not classification codes: everything a seeker or a recruiter reads names
a target by the title the seeker chose ("Solicitor in London"), or a group chosen by its
own name in everyday words ("Other legal professionals"); never an ISCO group in
parentheses ("Solicitor (Lawyers)") nor "not elsewhere classified". Staff keep the
group names."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core import mail

from profiles.models import Profile, Target
from taxonomy.models import Occupation, OccupationTitle

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"/p/[A-Za-z0-9_-]{43}/")


def classification_words(text: str) -> list[str]:
    """Every ISCO group name in parentheses, and every "not elsewhere classified"."""
    groups = "|".join(re.escape(t) for t in Occupation.objects.values_list("title", flat=True))
    pattern = re.compile(rf"\((?:{groups})\)|not elsewhere classified|\(related to ", re.I)
    return pattern.findall(unescape(text))


def test_the_scan_finds_what_it_looks_for():
    assert classification_words("Solicitor (Lawyers) in London") == ["(Lawyers)"]
    assert classification_words("Legal professionals not elsewhere classified") == [
        "not elsewhere classified"
    ]
    assert classification_words("Ships&#x27; engineer (Ships' engineers)") == ["(Ships' engineers)"]
    assert classification_words("Solicitor in London, United Kingdom") == []


@pytest.fixture
def seeker_with_targets(seeker):
    """Solicitor in London, "Legal professionals not elsewhere classified" (chosen by the
    group's own name) in London, software developer in Paris; related roles on, so
    recruiters for neighbouring groups match too; their targets kept as pairs."""
    lawyers, other_legal = b.occupation("2611"), b.occupation("2619")
    developers, london, paris = b.occupation("2512"), b.city("London"), b.city("Paris")
    b.ready_seeker(
        seeker,
        pairs=[(lawyers, london), (other_legal, london), (developers, paris)],
        related=True,
    )
    titles = {
        lawyers: OccupationTitle.objects.get(occupation=lawyers, normalised="solicitor"),
        developers: OccupationTitle.objects.get(
            occupation=developers, normalised="software developer"
        ),
    }
    for occupation, title in titles.items():
        Target.objects.filter(profile__user=seeker, occupation=occupation).update(title=title)
    Profile.objects.filter(user=seeker).update(targets_kept_as_pairs=True)
    testers = Occupation.objects.get(code="2519")  # "... not elsewhere classified"
    for occupation, place in [
        (lawyers, london),
        (b.occupation("2612"), london),  # judges: related to solicitors
        (other_legal, london),
        (testers, paris),  # related to software developers
        (developers, b.country("FR")),  # across the country of a target
    ]:
        b.recruiter(occupations=[occupation], places=[place])
    return seeker


def test_no_page_or_email_names_a_classification(seeker_with_targets, seeker_client):
    read: dict[str, str] = {}
    for url in ["/dashboard/", "/profile/", "/profile/letter/preview/", "/recruiters/matches/"]:
        response = seeker_client.get(url)
        assert response.status_code == 200, url
        read[url] = response.content.decode()
    matches = read["/recruiters/matches/"]
    ids = re.findall(r'name="r" value="(\d+)"', matches)
    assert len(ids) == 5
    # What the targets and the reasons say.
    assert "Solicitor in London, United Kingdom" in read["/profile/"]
    assert "Other legal professionals in London, United Kingdom" in read["/profile/"]
    assert "Your targets are now pairs" in read["/dashboard/"] + read["/profile/"]
    assert "Recruits for roles related to Solicitor in London" in matches
    assert "Recruits for roles related to Software developer in Paris" in matches
    assert "Recruits for Other legal professionals in London" in matches

    send = seeker_client.get("/recruiters/send/", {"r": ids})
    read["/recruiters/send/"] = consent_page = send.content.decode()
    assert "Candidate for Solicitor in London: Sam Seeker" in consent_page
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', consent_page).group(1)
    data = {"r": ids, "digest": digest, "include_contact": "0", "consent": "on"}
    assert seeker_client.post("/recruiters/send/", data).status_code == 302
    read["/recruiters/sends/"] = seeker_client.get("/recruiters/sends/").content.decode()

    run_outbox()
    assert len(mail.outbox) == 5
    for n, message in enumerate(mail.outbox):
        read[f"email {n} subject"] = message.subject
        read[f"email {n} text"] = message.body
        read[f"email {n} html"] = message.alternatives[0][0]
        packet = seeker_client.get(TOKEN.search(message.body).group(0))
        assert packet.status_code == 200
        read[f"packet page {n}"] = packet.content.decode()
    subjects = sorted(m.subject for m in mail.outbox)
    assert "Candidate for Solicitor in London: Sam Seeker" in subjects
    assert "Candidate for Software developer in Paris: Sam Seeker" in subjects

    found = {where: words for where, text in read.items() if (words := classification_words(text))}
    assert found == {}


def test_staff_still_see_the_group_names(seeker_with_targets, staff_with_mfa, client):
    profile = Profile.objects.get(user=seeker_with_targets)
    client.force_login(staff_with_mfa)
    page = client.get(f"/admin/profiles/profile/{profile.pk}/change/").content.decode()
    assert "Legal professionals not elsewhere classified" in unescape(page)
