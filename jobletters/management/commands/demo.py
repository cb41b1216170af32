"""Load realistic demo data: ``python manage.py demo``. Safe to run repeatedly."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from jobletters import demo

DEMO_EMAIL = "demo@jobletters.example"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (printed by `make run`; demo only)
STAFF_EMAIL = "staff@jobletters.example"
STAFF_PASSWORD = "staff-password-2026"  # noqa: S105


def _person(email: str, password: str, name: str, *, is_staff: bool = False) -> Any:
    user, created = get_user_model()._default_manager.get_or_create(
        email=email, defaults={"name": name, "is_staff": is_staff, "is_superuser": is_staff}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


class Command(BaseCommand):
    help = "Create demo people and data so every page has something real to show."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        seeker = _person(DEMO_EMAIL, DEMO_PASSWORD, "Amira Haddad")
        staff = _person(STAFF_EMAIL, STAFF_PASSWORD, "Stella Staff", is_staff=True)
        demo.load_all(seeker=seeker, staff=staff, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Seeker: {DEMO_EMAIL} / {DEMO_PASSWORD}. "
                f"Staff: {STAFF_EMAIL} / {STAFF_PASSWORD} (set up two-factor to use /admin/)."
            )
        )
