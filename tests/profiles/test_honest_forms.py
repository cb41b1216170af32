"""Forms that tell the truth: an error summary above every failed form, LinkedIn addresses
without a scheme, an empty job letter, deleting a CV, and a file uploaded twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from profiles import cvs
from profiles.cv_checks.quick import quick_check
from profiles.cv_checks.runner import caps
from profiles.models import CV, Profile

from . import builders
from .helpers import URL, stored_files, upload
from .test_profile import URL as PROFILE_URL
from .test_profile import form_data

pytestmark = pytest.mark.django_db

LETTER_URL = "/profile/letter/"


# --- The error summary ---------------------------------------------------------------------


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(1)


def test_a_failed_profile_form_lists_every_problem_on_top_linked_to_its_field(seeker_client):
    response = seeker_client.post(
        PROFILE_URL, form_data(name="", linkedin_url="https://example.com/in/sam/")
    )
    html = response.content.decode()
    summary = _summary(html)
    assert "Nothing was saved: please fix these 2 problems." in summary
    assert '<a href="#id_name">Full name: This field is required.</a>' in summary, summary
    assert '<a href="#id_linkedin_url">LinkedIn profile: Enter the address' in summary
    assert html.index('class="error-summary"') < html.index('id="id_name"')
    assert 'id="id_linkedin_url"' in html  # the links lead somewhere


def test_allauth_forms_show_the_same_summary(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-phrase-1", "password2": "another-2"},
    )
    html = response.content.decode()
    assert '<a href="#id_password2">' in _summary(html)
    assert html.count('class="error-summary"') == 1


def test_allauth_forms_with_fields_of_their_own_show_it_too(seeker_client):
    response = seeker_client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "x", "password2": "y"},
    )
    html = response.content.decode()
    assert html.count('class="error-summary"') == 1
    assert '<a href="#id_oldpassword">' in _summary(html)


def test_a_form_without_errors_has_no_summary(seeker_client):
    assert 'class="error-summary"' not in seeker_client.get(PROFILE_URL).content.decode()


def test_no_template_lists_form_errors_its_own_way():
    """Every form's general errors go through the one summary (templates/_error_summary.html)."""
    templates = Path(settings.BASE_DIR) / "templates"
    own_way = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if "non_field_errors" in path.read_text()
        and path.name != "_error_summary.html"
        and "admin" not in path.parts
    ]
    assert own_way == []


# --- LinkedIn ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "linkedin.com/in/jane-doe",
        "www.linkedin.com/in/jane-doe/",
        "uk.linkedin.com/in/jane-doe",
        "  linkedin.com/in/jane-doe  ",
        "//www.linkedin.com/in/jane-doe",
        "https://www.linkedin.com/in/jane-doe",
    ],
)
def test_a_linkedin_address_without_https_is_accepted_and_normalised(seeker, seeker_client, typed):
    response = seeker_client.post(PROFILE_URL, form_data(linkedin_url=typed))
    assert response.status_code == 302, response.context["form"].errors
    profile = Profile.objects.get(user=seeker)
    assert profile.linkedin_url == "https://www.linkedin.com/in/jane-doe/"


@pytest.mark.parametrize(
    "typed",
    [
        "example.com/in/jane",
        "linkedin.com.evil.example/in/jane",
        "linkedin.com/company/acme",
        "[]",  # a bracketed host that is no IP address: urlsplit raised (a 500)
        "https://[::1/in/jane",
    ],
)
def test_other_hosts_and_pages_are_still_refused(seeker_client, typed):
    response = seeker_client.post(PROFILE_URL, form_data(linkedin_url=typed))
    assert response.status_code == 200
    assert "linkedin_url" in response.context["form"].errors


def test_the_linkedin_box_lets_the_browser_accept_an_address_without_https(seeker_client):
    html = seeker_client.get(PROFILE_URL).content.decode()
    box = re.search(r"<input[^>]*id=\"id_linkedin_url\"[^>]*>", html).group(0)
    assert 'type="text"' in box and 'inputmode="url"' in box
    assert "linkedin.com/in/your-name" in html


# --- The job letter ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n  ", " -\n\n- "])
def test_saving_an_empty_letter_says_so_and_saves_nothing(seeker, seeker_client, text):
    response = seeker_client.post(LETTER_URL, {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your job letter is empty, so nothing was saved." in html
    assert "error-summary" in html
    assert not Profile.objects.filter(user=seeker).exclude(job_letter="").exists()


def test_emptying_a_letter_saves_it_empty_and_says_what_that_means(seeker, seeker_client):
    seeker_client.post(LETTER_URL, {"text": "Dear recruiter"})
    assert Profile.objects.get(user=seeker).job_letter
    response = seeker_client.post(LETTER_URL, {"text": "- "}, follow=True)
    assert response.redirect_chain[-1][0] == LETTER_URL
    assert "You emptied your job letter" in response.content.decode()
    assert Profile.objects.get(user=seeker).job_letter == ""


def test_the_letter_help_speaks_of_formatting_not_tags(seeker_client):
    response = seeker_client.get(LETTER_URL)
    help_text = str(response.context["form"]["text"].help_text)
    assert "<" not in help_text and "HTML" not in help_text
    assert "Bold words, lists and links" in help_text
    assert "<summary>Formatting</summary>" in response.content.decode()


# --- Deleting a CV -------------------------------------------------------------------------


def test_the_list_asks_before_deleting_and_the_page_says_it_is_the_current_cv(
    seeker, seeker_client
):
    upload(seeker_client, "old.pdf", builders.pdf_bytes("old"))
    upload(seeker_client, "new.pdf", builders.pdf_bytes("new"))
    current = CV.objects.get(owner=seeker, is_current=True)
    other = CV.objects.get(owner=seeker, is_current=False)
    listing = seeker_client.get(URL).content.decode()
    # "Delete" is a link to the page that asks (works without scripts), not a form that deletes.
    assert f'<a href="/profile/cv/{current.pk}/delete/" role="button"' in listing
    assert f'action="/profile/cv/{current.pk}/delete/"' not in listing

    page = seeker_client.get(f"/profile/cv/{current.pk}/delete/").content.decode()
    assert "This is your current CV" in page
    assert f"“{other.original_name}” becomes your current CV" in page
    assert "This is your current CV" not in (
        seeker_client.get(f"/profile/cv/{other.pk}/delete/").content.decode()
    )
    assert CV.objects.filter(owner=seeker).count() == 2  # asking deletes nothing

    seeker_client.post(f"/profile/cv/{current.pk}/delete/")
    assert list(CV.objects.filter(owner=seeker).values_list("pk", "is_current")) == [
        (other.pk, True)
    ]


def test_deleting_the_only_cv_says_sending_needs_another(seeker, seeker_client):
    upload(seeker_client, "only.pdf", builders.pdf_bytes("only"))
    cv = CV.objects.get(owner=seeker)
    page = seeker_client.get(f"/profile/cv/{cv.pk}/delete/").content.decode()
    assert "You have no other checked CV" in page


# --- The same file twice -------------------------------------------------------------------


def test_uploading_the_same_file_again_says_so_and_stores_nothing(seeker, seeker_client):
    data = builders.pdf_bytes("Sam Seeker")
    assert upload(seeker_client, "cv.pdf", data).status_code == 302
    response = upload(seeker_client, "cv (copy).pdf", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You already uploaded this file, as “cv.pdf” on" in html
    assert "error-summary" in html
    assert CV.objects.filter(owner=seeker).count() == 1
    assert len(stored_files()) == 1


def test_another_person_may_upload_the_same_file(seeker_client, other_seeker_client):
    data = builders.pdf_bytes("Shared template")
    assert upload(seeker_client, "cv.pdf", data).status_code == 302
    assert upload(other_seeker_client, "cv.pdf", data).status_code == 302
    assert CV.objects.count() == 2


def test_the_service_refuses_the_same_bytes_whatever_calls_it(seeker, seeker_client):
    data = builders.pdf_bytes("Sam Seeker")
    upload(seeker_client, "cv.pdf", data, check=False)  # still being checked
    file = SimpleUploadedFile("again.pdf", data)
    checked = quick_check(file=file, display_name="again.pdf", caps=caps())
    with pytest.raises(cvs.DuplicateCV) as refused:
        cvs.upload_cv(owner=seeker, file=file, upload=checked)
    assert refused.value.existing.original_name == "cv.pdf"
    assert len(stored_files()) == 1


def test_allauth_two_factor_forms_show_it_too(client, seeker, password):
    # Two-factor set-up: allauth's own template, through our fields element.
    client.post("/accounts/login/", {"login": seeker.email, "password": password})
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    html = response.content.decode()
    assert html.count('class="error-summary"') == 1
    assert '<a href="#id_code">' in _summary(html)
