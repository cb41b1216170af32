"""The personal-data registry: total coverage, one entry per model, warnings on names."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.test.utils import isolate_apps

from accounts.models import User
from privacy.models import PolicyVersion
from privacy.registry.coverage import (
    coverage_problems,
    coverage_warnings,
    personal_looking_fields,
    points_to_user,
)
from privacy.registry.declarations import (
    Basis,
    DuplicateDeclaration,
    Erasure,
    _declarations,
    _exemptions,
    declaration_for,
    declarations,
    declare,
    exempt,
    exemption_for,
    forget,
)
from privacy.registry.retention import Retention


@pytest.fixture
def throwaway():
    """Declarations of test models are removed again after the test."""
    declared = []
    yield declared
    for model in declared:
        forget(model)


def test_every_installed_model_is_declared_or_exempt():
    assert coverage_problems() == []


def test_the_project_has_no_registry_warnings():
    assert coverage_warnings() == []


def test_every_model_pointing_to_a_user_is_declared():
    for model in apps.get_models():
        if points_to_user(model):
            assert declaration_for(model) is not None, model._meta.label


def test_policy_versions_are_in_the_registry_too():
    assert exemption_for(PolicyVersion) is not None
    exemption = _exemptions.pop(PolicyVersion)
    try:
        assert coverage_problems([PolicyVersion]) == [
            "privacy.PolicyVersion is neither declared nor exempt"
        ]
    finally:
        _exemptions[PolicyVersion] = exemption


def test_the_session_table_is_caught_when_its_declaration_is_removed():
    declaration = _declarations.pop(Session)
    try:
        assert coverage_problems([Session]) == ["sessions.Session is neither declared nor exempt"]
    finally:
        _declarations[Session] = declaration


def test_declaring_a_model_twice_is_an_error():
    with pytest.raises(DuplicateDeclaration):
        declare(User, section="2.1", purpose="", fields=(), about="", erasure=Erasure.DELETE)
    with pytest.raises(DuplicateDeclaration):
        exempt(User, reason="no")


@isolate_apps("tests")
def test_an_undeclared_model_pointing_to_the_user_is_caught():
    class Note(models.Model):
        owner = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "tests"

    assert coverage_problems([Note]) == ["tests.Note points to a user but is not in the registry"]


@isolate_apps("tests")
def test_a_model_reaching_the_user_through_a_chain_is_caught():
    class Folder(models.Model):
        owner = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "tests"

    class Page(models.Model):
        folder = models.ForeignKey(Folder, on_delete=models.CASCADE)

        class Meta:
            app_label = "tests"

    assert points_to_user(Page)
    assert "tests.Page points to a user but is not in the registry" in (
        coverage_problems([Folder, Page])
    )


@isolate_apps("tests")
def test_every_field_is_exported_or_held_with_a_reason(throwaway):
    class Contact(models.Model):
        owner = models.ForeignKey(User, on_delete=models.CASCADE)
        full_name = models.CharField(max_length=50)
        notes = models.TextField()
        token_hash = models.CharField(max_length=64)

        class Meta:
            app_label = "tests"

    declare(
        Contact,
        section="2.1",
        purpose="test",
        fields=("full_name",),
        held={"token_hash": ""},
        about="owner",
        erasure=Erasure.DELETE,
    )
    throwaway.append(Contact)
    assert coverage_problems([Contact]) == [
        "tests.Contact holds 'token_hash' without saying why it is not exported",
        "tests.Contact has fields neither exported nor held: ['notes']",
    ]


@isolate_apps("tests")
def test_personal_looking_names_in_an_exempt_model_are_warnings(throwaway):
    class Loose(models.Model):
        telephone = models.CharField(max_length=20)
        mobile = models.CharField(max_length=20)
        surname = models.CharField(max_length=20)
        username = models.CharField(max_length=20)
        dob = models.DateField()
        passport_no = models.CharField(max_length=20)
        ipaddr = models.CharField(max_length=40)
        remote_addr = models.CharField(max_length=40)
        useragent = models.CharField(max_length=200)
        user_id = models.IntegerField()
        details = models.JSONField()
        content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        object_id = models.CharField(max_length=40)
        size = models.IntegerField()

        class Meta:
            app_label = "tests"

    assert personal_looking_fields(Loose) == [
        "telephone",
        "mobile",
        "surname",
        "username",
        "dob",
        "passport_no",
        "ipaddr",
        "remote_addr",
        "useragent",
        "user_id",
        "details",
        "object_id",
    ]
    # Undeclared, it is an error; exempt, the names remain a warning to look at.
    assert "but is not in the registry" in coverage_problems([Loose])[0]
    exempt(Loose, reason="test", reviewed=("surname",))
    throwaway.append(Loose)
    assert coverage_problems([Loose]) == []
    [warning] = coverage_warnings([Loose])
    assert "telephone" in warning and "surname" not in warning


@isolate_apps("tests")
def test_anonymised_or_retained_rows_need_a_nullable_link_to_the_person(throwaway):
    class Comment(models.Model):
        author = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "tests"

    declare(
        Comment,
        section="2.5",
        purpose="test",
        fields=(),
        about="author",
        erasure=Erasure.ANONYMISE,
    )
    throwaway.append(Comment)
    assert coverage_problems([Comment]) == [
        "tests.Comment is anonymised but author is not nullable"
    ]


def test_unknown_policy_section_is_refused():
    with pytest.raises(ValueError, match="unknown policy section"):
        declare(ContentType, section="9.9", purpose="", fields=(), about="", erasure=Erasure.DELETE)


def test_retention_rules_read_as_words():
    assert Retention.account().words().startswith("As long as you keep your account")
    rule = Retention.after_event(days=30, field="created_at", event="the work was recorded")
    assert rule.words() == "Deleted 30 days after the work was recorded."
    assert rule.enforceable
    legal = Retention.after_event(days=7 * 365, event="each purchase", legal=True, enforce=len)
    assert legal.words() == "Kept for 7 years (2555 days) after each purchase, as the law requires."
    assert "2555 days" in legal


@pytest.mark.django_db
def test_export_holds_only_the_requesters_data(seeker, other_seeker):
    exported = {d.label: d.export(seeker) for d in declarations()}
    [account] = exported["Your account"]
    assert account["email"] == "seeker@example.com" and account["name"] == "Sam Seeker"
    assert "password" not in account
    assert exported["Email addresses"] == [
        {"email": "seeker@example.com", "verified": True, "primary": True}
    ]
    assert "other@example.com" not in str(exported)


def test_the_inventory_names_basis_recipients_and_retention():
    declaration = declaration_for(apps.get_model("billing", "BillingAccount"))
    assert declaration.legal_basis is Basis.LEGAL_OBLIGATION
    assert declaration.recipients == ("Stripe, our payment processor",)
    assert declaration.retention.legal and declaration.retention.enforceable


@pytest.mark.django_db
def test_a_stored_files_name_in_the_copy_cannot_leave_its_folder(seeker):
    from dataclasses import replace

    from profiles.models import CV

    cvs = declaration_for(CV)
    cv = CV(pk=7, owner=seeker, file="cvs/2026/ab12.pdf")
    folder = f"files/{cvs.slug}/"
    unnamed = replace(cvs, file_name=None)  # by default: the row, the field, the stored name
    assert unnamed.archive_path(cv, "file", cv.file) == folder + "7-file-ab12.pdf"
    for given, kept in [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\sam\\My CV.pdf", "My CV.pdf"),
        (" ..\x00hidden\n.pdf ", "hidden.pdf"),
        ("...", "file"),
    ]:
        named = replace(cvs, file_name=lambda row, name, given=given: given)
        assert named.archive_path(cv, "file", cv.file) == folder + kept, given


def test_values_in_the_copy_are_plain_json():
    from datetime import UTC, date, datetime, timedelta
    from decimal import Decimal

    from privacy.registry.declarations import jsonable

    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert jsonable(
        {
            "when": when,
            "day": date(2026, 1, 2),
            "waited": timedelta(minutes=1, seconds=30),
            "price": Decimal("5.00"),
            "tags": ("a", 1),
            7: [None, True, 1.5],
        }
    ) == {
        "when": "2026-01-02T03:04:05+00:00",
        "day": "2026-01-02",
        "waited": 90.0,
        "price": "5.00",
        "tags": ["a", 1],
        "7": [None, True, 1.5],
    }
    assert jsonable({"x"}) == ["x"]
