"""Two-factor secrets are encrypted at rest, keys rotate, and staff never see a secret."""

from __future__ import annotations

import json
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, as allauth generates them
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _stored(user, kind: str = "totp") -> dict:
    # Read the row as the database has it, not through any model logic.
    return Authenticator.objects.values_list("data", flat=True).get(user=user, type=kind)


@pytest.fixture
def keys(settings):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    return settings


def test_a_totp_secret_is_stored_encrypted_and_still_works(keys, seeker):
    totp = TOTP.activate(seeker, SECRET)

    stored = _stored(seeker)["secret"]
    assert stored.startswith("fernet:")
    assert SECRET not in json.dumps(_stored(seeker))
    assert mfa.decrypt(stored) == SECRET
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(_code())


def test_recovery_codes_are_derived_from_an_encrypted_seed(keys, seeker):
    codes = RecoveryCodes.activate(seeker)
    seed = _stored(seeker, "recovery_codes")["seed"]

    assert seed.startswith("fernet:")
    first = codes.get_unused_codes()[0]
    assert first not in json.dumps(_stored(seeker, "recovery_codes"))
    fresh = RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk))
    assert fresh.validate_code(first)
    assert not fresh.validate_code(first)  # used once only


def test_a_secret_in_the_clear_is_never_accepted(keys, seeker):
    # e.g. written straight into the database: it must not validate.
    row = Authenticator.objects.create(user=seeker, type="totp", data={"secret": SECRET})
    with pytest.raises(mfa.UndecryptableSecret):
        TOTP(row).validate_code(_code())


def test_the_migration_encrypts_existing_secrets_once_and_can_be_reversed(keys, seeker):
    from importlib import import_module

    migration = import_module("accounts.migrations.0002_encrypt_mfa_secrets")
    Authenticator.objects.create(user=seeker, type="totp", data={"secret": SECRET})
    Authenticator.objects.create(
        user=seeker, type="recovery_codes", data={"seed": "ab" * 40, "used_mask": 3}
    )
    Authenticator.objects.create(
        user=UserFactory(),
        type="recovery_codes",
        data={"migrated_codes": ["12345678", "87654321"], "used_mask": 0},
    )

    migration.encrypt_secrets(apps, None)
    once = {row.pk: row.data for row in Authenticator.objects.all()}
    migration.encrypt_secrets(apps, None)

    assert {row.pk: row.data for row in Authenticator.objects.all()} == once
    dumped = json.dumps(list(once.values()))
    for clear in (SECRET, "ab" * 40, "12345678", "87654321"):
        assert clear not in dumped
    assert _stored(seeker, "recovery_codes")["used_mask"] == 3
    assert TOTP(Authenticator.objects.get(user=seeker, type="totp")).validate_code(_code())

    migration.decrypt_secrets(apps, None)
    assert _stored(seeker)["secret"] == SECRET


def test_rotating_the_key(keys, seeker, other_seeker):
    TOTP.activate(seeker, SECRET)
    codes = RecoveryCodes.activate(other_seeker).get_unused_codes()

    # 1. The new key goes first; secrets under the old one still work.
    keys.MFA_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert TOTP(Authenticator.objects.get(user=seeker)).validate_code(_code())

    # 2. Re-encrypt everything under the new key.
    call_command("rotate_mfa_key", stdout=(out := __import__("io").StringIO()))
    assert "Re-encrypted 2 authenticator(s)" in out.getvalue()

    # 3. The old key is removed: everything still works.
    keys.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    totp = Authenticator.objects.get(user=seeker)
    assert mfa.decrypt(totp.data["secret"]) == SECRET
    assert Fernet(NEW_KEY.encode()).decrypt(totp.data["secret"].removeprefix("fernet:").encode())
    recovery = RecoveryCodes(Authenticator.objects.get(user=other_seeker))
    assert recovery.get_unused_codes() == codes


def test_rotation_with_the_wrong_keys_changes_nothing_and_says_so(keys, seeker):
    TOTP.activate(seeker, SECRET)
    before = _stored(seeker)
    keys.MFA_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(CommandError, match="could not be read"):
        call_command("rotate_mfa_key", stdout=__import__("io").StringIO(), stderr=None)

    assert _stored(seeker) == before


def test_malformed_keys_are_a_clear_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MFA_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="must be Fernet keys"):
        mfa.encrypt("x")


# --- Staff never see a secret or a recovery code ------------------------------------------


@pytest.fixture
def support(client):
    """A staff member with only the view permission on authenticators (and two-factor on)."""
    person = UserFactory(email="support@example.com", is_staff=True)
    TOTP.activate(person, "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label="mfa", codename="view_authenticator")
    )
    client.force_login(person)
    return client


def test_staff_see_which_second_factors_exist_but_never_their_data(support, seeker):
    TOTP.activate(seeker, SECRET)
    codes = RecoveryCodes.activate(seeker)
    stored = _stored(seeker)["secret"]
    pages = [support.get("/admin/mfa/authenticator/")]
    for row in Authenticator.objects.filter(user=seeker):
        pages.append(support.get(f"/admin/mfa/authenticator/{row.pk}/change/"))
        pages.append(support.get(f"/admin/mfa/authenticator/{row.pk}/history/"))

    for page in pages:
        assert page.status_code == 200
        content = page.content.decode()
        assert SECRET not in content and stored not in content and "fernet:" not in content
        assert not any(code in content for code in codes.get_unused_codes())
        assert "seed" not in content
    assert "Sam Seeker" in pages[0].content.decode()


def test_staff_cannot_change_add_or_filter_on_authenticator_data(support, seeker):
    row = TOTP.activate(seeker, SECRET).instance

    support.post(f"/admin/mfa/authenticator/{row.pk}/change/", {"data": '{"secret": "X"}'})
    probe = support.get("/admin/mfa/authenticator/", {"data__secret__startswith": "fernet"})

    assert support.get("/admin/mfa/authenticator/add/").status_code == 403
    assert _stored(seeker)["secret"] == row.data["secret"]
    assert probe.status_code == 400  # no filtering on the data (a prefix search is an oracle)
