"""Registry declarations (export, erasure with files), staff admin, demo data."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage

from privacy.registry.coverage import coverage_problems
from privacy.registry.declarations import declaration_for
from profiles import cvs, demo, services
from profiles.models import CV, ContactDetails, Profile, Target
from taxonomy.models import Occupation, Place

from . import builders
from .helpers import stored_files, upload


def test_every_profiles_model_is_declared_under_its_policy_section():
    assert coverage_problems([Profile, Target, ContactDetails, CV]) == []
    assert declaration_for(ContactDetails).section == "2.1"
    assert declaration_for(Profile).section == "2.2"
    assert declaration_for(Target).section == "2.2"
    assert declaration_for(CV).section == "2.6"
    assert declaration_for(CV).file_fields == ("file", "normalised_file")


def test_export_holds_only_the_persons_own_data_and_files(
    seeker, other_seeker, seeker_client, other_seeker_client
):
    services.update_profile(
        user=seeker,
        name=seeker.name,
        contact={"city": "London", "phone": "+442079460958"},
        professional={"headline": "Lawyer", "skills": ["M&A"]},
        targets=[
            Target(
                occupation=Occupation.objects.get(code="2611"),
                place=Place.objects.get(kind="city", name="London", country="GB"),
            )
        ],
    )
    services.update_job_letter(user=seeker, text="Dear recruiter")
    upload(seeker_client, "mine.pdf", builders.pdf_bytes())
    upload(other_seeker_client, "theirs.pdf", builders.pdf_bytes())

    [profile] = declaration_for(Profile).export(seeker)
    assert profile["headline"] == "Lawyer"
    assert profile["skills"] == ["M&A"]
    assert profile["job_letter"] == "Dear recruiter"
    [target] = declaration_for(Target).export(seeker)
    assert target["target"] == "Lawyers in London, United Kingdom"
    assert (target["isco_code"], target["place"]) == ("2611", "London, United Kingdom")
    [contact] = declaration_for(ContactDetails).export(seeker)
    assert contact["phone"] == "+442079460958"
    [cv] = declaration_for(CV).export(seeker)
    assert cv["original_name"] == "mine.pdf"
    files = [f for _row, _name, f in declaration_for(CV).stored_files(seeker)]
    mine = CV.objects.get(owner=seeker)
    assert [f.name for f in files] == [mine.file.name, mine.normalised_file.name]
    assert all(f.open("rb").read().startswith(b"%PDF-") for f in files)


def test_erasing_an_account_deletes_its_cv_files(
    seeker, other_seeker, seeker_client, other_seeker_client, django_capture_on_commit_callbacks
):
    upload(seeker_client, "mine.pdf", builders.pdf_bytes())
    upload(other_seeker_client, "theirs.pdf", builders.pdf_bytes())
    mine = CV.objects.get(owner=seeker)
    theirs = CV.objects.get(owner=other_seeker)
    with django_capture_on_commit_callbacks(execute=True):
        for declaration in (declaration_for(m) for m in (CV, Profile, ContactDetails)):
            declaration.rows_for(seeker).delete()
    assert not default_storage.exists(mine.file.name)
    assert not default_storage.exists(mine.normalised_file.name)
    assert stored_files() == [theirs.file.name]
    assert stored_files("cv-copies") == [theirs.normalised_file.name]


def test_a_rolled_back_deletion_keeps_the_file(
    seeker, seeker_client, django_capture_on_commit_callbacks
):
    from django.db import transaction

    upload(seeker_client, "mine.pdf", builders.pdf_bytes())
    cv = CV.objects.get(owner=seeker)
    pk, name = cv.pk, cv.file.name

    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                cvs.delete_cv(cv=cv)
                raise Abort
        except Abort:
            pass
    assert callbacks == []
    assert CV.objects.filter(pk=pk).exists()
    assert default_storage.exists(name)


def test_staff_find_profiles_and_cvs_and_remove_a_cv(
    staff_with_mfa, client, seeker, seeker_client, other_seeker, django_capture_on_commit_callbacks
):
    services.update_profile(
        user=seeker,
        name=seeker.name,
        contact={},
        professional={"headline": "Commercial lawyer"},
        targets=[],
    )
    services.get_profile(user=other_seeker)
    upload(seeker_client, "sam-cv.pdf", builders.pdf_bytes())
    cv = CV.objects.get(owner=seeker)
    client.force_login(staff_with_mfa)

    profiles = client.get("/admin/profiles/profile/", {"q": "seeker@"})
    assert profiles.status_code == 200
    assert "Commercial lawyer" in profiles.content.decode()
    assert "other@example.com" not in profiles.content.decode()

    cvs = client.get("/admin/profiles/cv/", {"q": "sam-cv"})
    assert cvs.status_code == 200
    assert "sam-cv.pdf" in cvs.content.decode()

    detail = client.get(f"/admin/profiles/cv/{cv.pk}/change/")
    assert detail.status_code == 200
    assert cv.file.name not in detail.content.decode()  # staff remove CVs, never read them

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/profiles/cv/{cv.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CV.objects.filter(pk=cv.pk).exists()
    assert not default_storage.exists(cv.file.name)


def test_cv_admin_list_uses_a_fixed_number_of_queries(
    staff_with_mfa,
    client,
    seeker,
    seeker_client,
    other_seeker_client,
    django_assert_max_num_queries,
):
    client.force_login(staff_with_mfa)
    upload(seeker_client, "a.pdf", builders.pdf_bytes())
    with django_assert_max_num_queries(30) as one:
        client.get("/admin/profiles/cv/")
    baseline = len(one)
    for i in range(3):
        upload(seeker_client, f"{i}.pdf", builders.pdf_bytes())
        upload(other_seeker_client, f"{i}.pdf", builders.pdf_bytes())
    with django_assert_max_num_queries(baseline):
        client.get("/admin/profiles/cv/")


def test_demo_fills_the_seekers_profile_once(seeker, staff):
    out = io.StringIO()
    demo.load(seeker=seeker, staff=staff, stdout=out)
    demo.load(seeker=seeker, staff=staff, stdout=out)
    profile = Profile.objects.get(user=seeker)
    assert profile.headline.startswith("Commercial lawyer")
    assert profile.open_to_recruiters
    assert [t.label for t in profile.targets.all()] == [
        "Lawyer in London, United Kingdom",
        "Lawyer, remote",
    ]
    assert "**What I bring:**\n- deal management" in profile.job_letter
    assert "<strong>What I bring:</strong>" in profile.letter_html
    [cv] = CV.objects.filter(owner=seeker)
    assert cv.is_current and cv.kind == "pdf"
    assert cv.text_state == "done" and "Commercial lawyer" in cv.text
    assert str(ContactDetails.objects.get(user=seeker).phone) == "+442079460958"
