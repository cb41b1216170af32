"""Shared fixtures: named people (seeker, other_seeker, staff) and a clean world per test.

The suite runs on embedded defaults, or on PostgreSQL/Redis when DATABASE_URL /
REDIS_URL are set (as in CI). Each test gets its own private media folder, an
empty cache (rate limits start fresh), fast password hashing and eager Celery
(tests that need a real worker start one, see tests/core/test_worker.py).
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client

from jobletters.celery import app as celery_app

from .factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _isolated_world(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                **settings.STORAGES["default"],
                "OPTIONS": {
                    **settings.STORAGES["default"]["OPTIONS"],
                    "location": tmp_path / "media",
                },
            },
        }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def seeker(db):
    return UserFactory(email="seeker@example.com", name="Sam Seeker")


@pytest.fixture
def other_seeker(db):
    return UserFactory(email="other@example.com", name="Olive Other")


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@example.com", name="Stella Staff", is_staff=True)
    return user


@pytest.fixture
def staff_with_mfa(staff):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(staff, generate_totp_secret())
    assert Authenticator.objects.filter(user=staff).exists()
    return staff


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seeker_client(seeker) -> Client:
    return _client_for(seeker)


@pytest.fixture
def other_seeker_client(other_seeker) -> Client:
    return _client_for(other_seeker)


@pytest.fixture
def staff_client(staff) -> Client:
    return _client_for(staff)
