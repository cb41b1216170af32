"""The job letter (stored as typed, shown formatted and safe, as recruiters see it) and the
dashboard meter."""

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

I build **reliable** systems at R&D Ltd & co. 5 < 6.
Second line of the first paragraph.

<script>alert(document.cookie)</script><img src=x onerror=alert(1)>
[click](javascript:alert(1)) see https://example.com/work or www.example.org
<strong>typed tags</strong> stay text

What I bring:
- Contracts
- GDPR"""


def test_the_letter_is_stored_as_typed_and_previewed_with_its_formatting(seeker, seeker_client):
    response = seeker_client.post(LETTER_URL, {"text": HOSTILE.replace("\n", "\r\n")})
    assert response.status_code == 302
    assert response["Location"] == PREVIEW_URL
    assert Profile.objects.get(user=seeker).job_letter == HOSTILE

    preview = seeker_client.get(PREVIEW_URL).content.decode()
    letter = preview.split('class="job-letter"', 1)[1].split("</section>", 1)[0]
    assert "What recruiters see" in preview and "Sam Seeker" in preview
    assert "<p>Dear recruiter,</p>" in letter
    assert (
        "I build <strong>reliable</strong> systems at R&amp;D Ltd &amp; co. 5 &lt; 6.<br>" in letter
    )
    assert "<p>What I bring:</p>\n<ul>\n<li>Contracts</li>\n<li>GDPR</li>\n</ul>" in letter
    rel = 'rel="nofollow noopener noreferrer"'
    assert f'<a href="https://example.com/work" {rel}>https://example.com/work</a>' in letter
    assert f'<a href="http://www.example.org" {rel}>www.example.org</a>' in letter
    # Whatever is typed shows as typed: tags are words, never markup.
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in letter
    assert "&lt;strong&gt;typed tags&lt;/strong&gt;" in letter
    assert "**" not in letter and "<script" not in preview.split("<main", 1)[1]
    assert "javascript:" not in letter.replace("](javascript:", "")
    assert 'href="javascript' not in letter and "<img" not in letter

    # Editing again shows exactly what the seeker typed.
    assert seeker_client.get(LETTER_URL).context["form"].initial["text"] == HOSTILE


def test_the_letter_help_asks_for_no_html(seeker_client):
    page = seeker_client.get(LETTER_URL).content.decode()
    assert "**" in page and "- " in page and "https://www.example.com" in page
    form = page.split("<form", 1)[1].split("</form>", 1)[0]
    assert "&lt;" not in form  # no tag to type, anywhere in the help


def test_the_preview_is_the_reusable_include_the_packet_page_uses(seeker, seeker_client):
    services.update_job_letter(user=seeker, text="Hello **recruiter**")
    profile = Profile.objects.get(user=seeker)
    fragment = render_to_string(
        "profiles/_candidate.html", {"profile": profile, "candidate": seeker}
    )
    preview = seeker_client.get(PREVIEW_URL).content.decode()
    assert fragment.strip() in preview
    assert "<p>Hello <strong>recruiter</strong></p>" in fragment


def test_a_letter_of_formatting_only_is_no_letter(seeker):
    assert services.update_job_letter(user=seeker, text="  -\n\n - \n").job_letter == ""


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
