"""Re-encrypt every stored two-factor secret under the first of MFA_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import mfa


class Command(BaseCommand):
    help = (
        "Re-encrypt TOTP secrets and recovery-code seeds under the first key in "
        "MFA_ENCRYPTION_KEYS, then check that the first key alone reads them all. "
        "Run after putting a new key first; remove the old keys once it succeeds."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = tuple(mfa.SECRET_FIELDS)
        ids = list(
            Authenticator.objects.filter(type__in=kinds).order_by("pk").values_list("pk", flat=True)
        )
        rotated = failed = 0
        for pk in ids:
            with transaction.atomic():
                row = Authenticator.objects.select_for_update().filter(pk=pk).first()
                if row is None:
                    continue  # removed meanwhile
                try:
                    row.data = mfa.transform_data(row.type, row.data, mfa.rotate)
                except mfa.UndecryptableSecret:
                    failed += 1
                    self.stderr.write(f"Authenticator #{pk}: readable under none of the keys.")
                    continue
                row.save(update_fields=["data"])
                rotated += 1
        if failed:
            raise CommandError(
                f"{failed} authenticator(s) could not be read with MFA_ENCRYPTION_KEYS; "
                "keep the old keys until they are fixed."
            )
        self._check_first_key_reads_all(kinds)
        self.stdout.write(
            f"Re-encrypted {rotated} authenticator(s) under the first key; "
            "the other keys in MFA_ENCRYPTION_KEYS can now be removed."
        )

    def _check_first_key_reads_all(self, kinds: tuple[str, ...]) -> None:
        first = Fernet(settings.MFA_ENCRYPTION_KEYS[0].encode())
        for row in Authenticator.objects.filter(type__in=kinds).iterator():
            for stored in mfa.secrets_in(row.type, row.data):
                try:
                    first.decrypt(str(stored).removeprefix(mfa.PREFIX).encode())
                except InvalidToken as exc:
                    raise CommandError(
                        f"Authenticator #{row.pk} is not readable with the first key alone "
                        "(added during the rotation?); run the command again."
                    ) from exc
