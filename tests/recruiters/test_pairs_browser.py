"""Targets are pairs from end to end, in headless Chromium with a real worker and SMTP
server: a seeker chooses "lawyer in London" and "software developer in Paris" in their
profile; the matches, the consent, the emails, the packet page and the report all speak
of those pairs, in the titles chosen, never crossed and never in classification codes."""

from __future__ import annotations

import re

import pytest

from tests.factories import DEFAULT_PASSWORD

from . import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CODES = re.compile(r"\((?:Lawyers|Software developers)\)|not elsewhere classified", re.I)


def test_pairs_are_kept_from_the_profile_to_the_report(
    live_server, live_browser, _chromium, seeker, real_worker, smtp_sink, settings
):
    settings.SITE_URL = live_server.url
    b.ready_seeker(seeker, pairs=[])  # a letter, a CV and sends; no targets yet
    lawyers, developers = b.occupation("2611"), b.occupation("2512")
    london, paris = b.city("London"), b.city("Paris")
    b.recruiter(name="Alex Carter", agency="Harper Legal", email="alex@harper.example",
                occupations=[lawyers], places=[london])  # fmt: skip
    b.recruiter(name="Dana Diaz", agency="Code Hire", email="dana@codehire.example",
                occupations=[developers], places=[paris])  # fmt: skip
    # The crossed pairs: lawyers in Paris, developers in London.
    b.recruiter(name="Lee Crossed", occupations=[lawyers], places=[paris])
    b.recruiter(name="Kim Crossed", occupations=[developers], places=[london])
    page = live_browser
    seen: list[str] = []

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("seeker@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")

    # The profile: two pairs.
    page.goto(live_server.url + "/profile/")
    box = page.get_by_role("combobox", name="Jobs you are looking for, and where")
    for typed, pair in [
        ("lawyer in London", "Lawyer in London, United Kingdom"),
        ("software developer Paris", "Software developer in Paris, France"),
    ]:
        box.press_sequentially(typed, delay=20)
        page.get_by_role("option", name=pair).click()
    page.get_by_label("Open to recruiters").check()
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile was saved.").wait_for()
    seen.append(page.content())

    # The matches: each recruiter for the pair they fit, none for a crossed one.
    page.goto(live_server.url + "/recruiters/matches/")
    main = page.locator("main").inner_text()
    seen.append(page.content())
    assert "Lawyer in London, United Kingdom; Software developer in Paris, France" in main
    assert "Lee Crossed" not in main and "Kim Crossed" not in main
    alex = page.locator("li.match", has_text="Alex Carter")
    dana = page.locator("li.match", has_text="Dana Diaz")
    assert "Recruits for Lawyer in London" in alex.inner_text()
    assert "Recruits for Software developer in Paris" in dana.inner_text()
    alex.get_by_role("checkbox").check()
    dana.get_by_role("checkbox").check()
    page.get_by_role("button", name="Review and agree").click()

    # The consent names each recruiter with their pair; each email speaks of it.
    page.wait_for_url("**/recruiters/send/?r=*")
    seen.append(page.content())
    consent = page.locator(".consent-label").inner_text()
    assert "Alex Carter, Harper Legal (for Lawyer in London)" in consent
    assert "Dana Diaz, Code Hire (for Software developer in Paris)" in consent
    assert "Candidate for Lawyer in London: Sam Seeker" in page.content()
    assert "Candidate for Software developer in Paris: Sam Seeker" in page.content()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Agree and send to 2 recruiters").click()
    page.wait_for_url("**/recruiters/sends/**")

    # The emails, and the packet page they link to.
    messages = {m["X-Envelope-To"]: m for m in smtp_sink.wait_for(2, timeout=30)}
    assert (
        messages["alex@harper.example"]["Subject"] == "Candidate for Lawyer in London: Sam Seeker"
    )
    assert messages["dana@codehire.example"]["Subject"] == (
        "Candidate for Software developer in Paris: Sam Seeker"
    )
    text = next(
        p for p in messages["dana@codehire.example"].walk() if p.get_content_type() == "text/plain"
    ).get_content()
    seen.append(text)
    assert "their application for Software developer in Paris." in text
    assert "Looking for: Lawyer in London, United Kingdom; Software developer in Paris, France" in (
        " ".join(text.split())
    )
    link = re.search(re.escape(live_server.url) + r"/p/[A-Za-z0-9_-]{43}/", text).group(0)
    recruiter_context = _chromium.new_context()
    try:
        recruiter = recruiter_context.new_page()
        recruiter.goto(link)
        recruiter.get_by_role("heading", name="Sam Seeker").first.wait_for()
        packet = recruiter.locator("main").inner_text()
        seen.append(recruiter.content())
        assert "application for Software developer in Paris." in packet
        assert "Lawyer in London, United Kingdom; Software developer in Paris, France" in packet
    finally:
        recruiter_context.close()

    # The report: each packet with its pair.
    page.goto(live_server.url + "/recruiters/sends/")
    seen.append(page.content())
    reasons = {
        name: page.locator("li.delivery", has_text=name).locator(".delivery-reason").inner_text()
        for name in ("Alex Carter", "Dana Diaz")
    }
    assert reasons == {
        "Alex Carter": "Recruits for Lawyer in London",
        "Dana Diaz": "Recruits for Software developer in Paris",
    }
    assert [found for text in seen for found in CODES.findall(text)] == []
