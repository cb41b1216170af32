"""Encrypt the two-factor secrets stored before they were encrypted at rest (accounts.mfa)."""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from accounts import mfa

    Authenticator = apps.get_model("mfa", "Authenticator")
    rows = Authenticator.objects.filter(type__in=tuple(mfa.SECRET_FIELDS))
    for row in rows.iterator():
        data = mfa.transform_data(
            row.type, row.data, lambda v: v if mfa.is_encrypted(v) else mfa.encrypt(v)
        )
        if data != row.data:
            Authenticator.objects.filter(pk=row.pk).update(data=data)


def decrypt_secrets(apps, schema_editor):
    from accounts import mfa

    Authenticator = apps.get_model("mfa", "Authenticator")
    rows = Authenticator.objects.filter(type__in=tuple(mfa.SECRET_FIELDS))
    for row in rows.iterator():
        data = mfa.transform_data(
            row.type, row.data, lambda v: mfa.decrypt(v) if mfa.is_encrypted(v) else v
        )
        if data != row.data:
            Authenticator.objects.filter(pk=row.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
