"""The job letter (sanitised on save, previewed as recruiters see it) and the dashboard meter."""

from __future__ import annotations

from django.template.loader import render_to_string

from profiles import services
from profiles.models import Profile

from . import builders
from .helpers import some_targets
from .test_cvs import upload

LETTER_URL = "/profile/letter/"
PREVIEW_URL = "/profile/letter/preview/"

HOSTILE = """Dear recruiter,

I build <strong>reliable</strong> systems at R&D Ltd & co. <em>5 < 6</em>.
Second line of the first paragraph.

<script>alert(document.cookie)</script><img src=x onerror=alert(1)>
<a href="javascript:alert(1)">click</a> <a href="https://example.com/work" onclick="x()">my work</a>
<p style="color:red" onmouseover="x()">Styled</p>
<ul><li>Contracts</li><li>GDPR</li></ul>"""


def test_letter_is_sanitised_on_save_and_previewed_as_recruiters_see_it(seeker, seeker_client):
    response = seeker_client.post(LETTER_URL, {"text": HOSTILE})
    assert response.status_code == 302
    assert response["Location"] == PREVIEW_URL

    stored = Profile.objects.get(user=seeker).job_letter
    for bad in ("<script", "onerror", "onclick", "onmouseover", "javascript:", "style=", "<img"):
        assert bad not in stored
    assert "<strong>reliable</strong>" in stored
    assert "R&amp;D Ltd &amp; co." in stored
    assert '<a href="https://example.com/work" rel="nofollow noopener noreferrer">' in stored

    preview = seeker_client.get(PREVIEW_URL).content.decode()
    assert "What recruiters see" in preview
    assert "Sam Seeker" in preview
    assert "<p>Dear recruiter,</p>" in preview
    assert "systems at R&amp;D Ltd &amp; co. <em>5 &lt; 6</em>.<br>" in preview
    assert "<ul><li>Contracts</li><li>GDPR</li></ul>" in preview
    assert "<script" not in preview.split("<main", 1)[1]
    assert "alert(" not in preview

    # Editing again shows what the seeker typed, not HTML entities.
    edit = seeker_client.get(LETTER_URL)
    assert "R&amp;D Ltd &amp; co." in edit.content.decode()  # escaped once by the template
    assert edit.context["form"].initial["text"].startswith("Dear recruiter,")
    assert "R&D Ltd & co." in edit.context["form"].initial["text"]


def test_the_preview_is_the_reusable_include_the_packet_page_uses(seeker, seeker_client):
    services.update_job_letter(user=seeker, text="Hello <b>recruiter</b>")
    profile = Profile.objects.get(user=seeker)
    fragment = render_to_string(
        "profiles/_candidate.html", {"profile": profile, "candidate": seeker}
    )
    preview = seeker_client.get(PREVIEW_URL).content.decode()
    assert fragment.strip() in preview
    assert "<p>Hello <b>recruiter</b></p>" in fragment


def test_a_letter_written_around_the_form_is_still_sanitised_when_shown(seeker, seeker_client):
    profile = services.get_profile(user=seeker)
    profile.job_letter = '<script>alert(1)</script><p onclick="x()">Hi</p>'
    profile.save()
    preview = seeker_client.get(PREVIEW_URL).content.decode()
    assert "alert(1)" not in preview
    assert "<p>Hi</p>" in preview


def test_letter_length_is_limited(seeker_client):
    response = seeker_client.post(LETTER_URL, {"text": "x" * 5001})
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()


def test_dashboard_meter_says_what_is_missing(seeker, seeker_client):
    page = seeker_client.get("/dashboard/").content.decode()
    assert "Your profile" in page
    assert "<strong>11%</strong> complete" in page  # only the name so far
    for missing in ("A headline", "Your job letter", "A CV", "The jobs you are looking for"):
        assert missing in page
    assert 'href="/profile/cv/"' in page


def test_dashboard_meter_reaches_100_percent(
    seeker, seeker_client, django_capture_on_commit_callbacks
):
    services.update_profile(
        user=seeker,
        name=seeker.name,
        contact={},
        professional={
            "headline": "Lawyer",
            "summary": "Deals.",
            "seniority": "senior",
            "skills": ["M&A"],
            "open_to_recruiters": True,
        },
        targets=some_targets(1),
    )
    services.update_job_letter(user=seeker, text="Dear recruiter")
    upload(seeker_client, "cv.pdf", builders.pdf_bytes())
    page = seeker_client.get("/dashboard/").content.decode()
    assert "<strong>100%</strong> complete" in page
    assert "Still missing" not in page
    assert "Your profile is complete." in page


def test_dashboard_uses_a_fixed_number_of_queries(
    seeker, seeker_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as empty:
        seeker_client.get("/dashboard/")
    baseline = len(empty)  # read now: every request resets the query log
    services.update_profile(
        user=seeker,
        name=seeker.name,
        contact={},
        professional={"skills": [f"s{i}" for i in range(30)]},
        targets=some_targets(5),
    )
    for i in range(5):
        upload(seeker_client, f"{i}.pdf", builders.pdf_bytes())
    with django_assert_max_num_queries(baseline):
        seeker_client.get("/dashboard/")


def test_preview_uses_a_fixed_number_of_queries(
    seeker, seeker_client, django_assert_max_num_queries
):
    services.get_profile(user=seeker)
    with django_assert_max_num_queries(20) as few:
        seeker_client.get(PREVIEW_URL)
    baseline = len(few)
    services.update_profile(
        user=seeker,
        name=seeker.name,
        contact={},
        professional={},
        targets=some_targets(5),
    )
    with django_assert_max_num_queries(baseline):
        seeker_client.get(PREVIEW_URL)
