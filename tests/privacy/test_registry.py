"""The personal-data registry covers every model, and catches one that is not covered."""

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from accounts.models import User
from privacy import registry
from privacy.registry import Erasure


def test_every_installed_model_is_declared_or_exempt():
    assert registry.coverage_problems() == []


def test_every_model_pointing_to_a_user_is_declared():
    for model in apps.get_models():
        if registry.points_to_user(model):
            assert registry.declaration_for(model) is not None, model._meta.label


@isolate_apps("tests")
def test_an_undeclared_model_pointing_to_the_user_is_caught():
    class Note(models.Model):
        owner = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "tests"

    assert registry.coverage_problems([Note]) == [
        "tests.Note points to a user but is not in the registry"
    ]


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

    assert registry.points_to_user(Page)
    assert "tests.Page points to a user but is not in the registry" in (
        registry.coverage_problems([Folder, Page])
    )


@isolate_apps("tests")
def test_personal_fields_must_be_declared_even_without_a_user():
    class Contact(models.Model):
        full_name = models.CharField(max_length=50)
        work_email = models.EmailField()
        notes = models.TextField()

        class Meta:
            app_label = "tests"

    assert registry.coverage_problems([Contact]) == [
        "tests.Contact has personal-looking fields ['full_name', 'work_email'] "
        "but is not in the registry"
    ]
    registry.declare(
        Contact,
        section="3.1",
        purpose="test",
        fields=("full_name",),
        user_path=None,
        erasure=Erasure.DELETE,
        retention="test",
    )
    try:
        assert registry.coverage_problems([Contact]) == [
            "tests.Contact has undeclared personal fields ['work_email']"
        ]
    finally:
        registry._declarations.pop(Contact)


@isolate_apps("tests")
def test_anonymised_rows_need_a_nullable_link_to_the_person():
    class Comment(models.Model):
        author = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "tests"

    registry.declare(
        Comment,
        section="2.5",
        purpose="test",
        fields=(),
        user_path="author",
        erasure=Erasure.ANONYMISE,
        retention="test",
    )
    try:
        assert registry.coverage_problems([Comment]) == [
            "tests.Comment is anonymised but author is not nullable"
        ]
    finally:
        registry._declarations.pop(Comment)


def test_unknown_policy_section_is_refused():
    from accounts.models import User

    with pytest.raises(ValueError, match="unknown policy section"):
        registry.declare(
            User,
            section="9.9",
            purpose="",
            fields=(),
            user_path="",
            erasure=Erasure.DELETE,
            retention="",
        )


@pytest.mark.django_db
def test_export_holds_only_the_requesters_data(seeker, other_seeker):
    exported = {d.label: d.export(seeker) for d in registry.declarations()}
    assert exported["Your account"] == [
        {
            "email": "seeker@example.com",
            "name": "Sam Seeker",
            "date_joined": seeker.date_joined.isoformat(),
            "last_login": None,
        }
    ]
    assert exported["Email addresses"] == [
        {"email": "seeker@example.com", "verified": True, "primary": True}
    ]
    assert "other@example.com" not in str(exported)
