"""Second factors are encrypted at rest.

allauth's MFA adapter encrypts TOTP secrets and recovery-code seeds; ours uses Fernet under
``MFA_ENCRYPTION_KEYS`` (the first encrypts, all decrypt, so keys rotate without downtime:
docs/operations.md, ``manage.py rotate_mfa_key``). A stored value is ``fernet:<token>``;
anything else is refused, so a secret written in the clear never validates.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"
# Where allauth keeps secrets in Authenticator.data, per authenticator type.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


class UndecryptableSecret(Exception):
    """A stored second-factor secret is not encrypted, or under none of the configured keys."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEYS is empty (see docs/configuration.md).")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated, newest first."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.MFA_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode("ascii")


def decrypt(stored: object) -> str:
    """The secret in ``stored``, a value read from JSON: anything without our prefix is refused."""
    if not is_encrypted(stored):
        raise UndecryptableSecret("A two-factor secret is stored unencrypted.")
    return _with_keys(fernet().decrypt, str(stored)).decode()


def is_encrypted(stored: Any) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def rotate(stored: str) -> str:
    """Re-encrypt under the first key (MultiFernet.rotate keeps the original timestamp)."""
    if not is_encrypted(stored):
        return encrypt(stored)
    return PREFIX + _with_keys(fernet().rotate, stored).decode("ascii")


def _with_keys(operation: Any, stored: str) -> bytes:
    try:
        return bytes(operation(stored.removeprefix(PREFIX).encode()))
    except InvalidToken as exc:
        raise UndecryptableSecret(
            "A two-factor secret is encrypted under none of MFA_ENCRYPTION_KEYS."
        ) from exc


def transform_data(kind: str, data: dict[str, Any], func: Any) -> dict[str, Any]:
    """A copy of an Authenticator's ``data`` with ``func`` applied to every secret in it."""
    data = dict(data)
    for name in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(name), str):
            data[name] = func(data[name])
    for name in SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(name), list):
            data[name] = [func(value) for value in data[name]]
    return data


def secrets_in(kind: str, data: dict[str, Any]) -> Iterator[Any]:
    for name in SECRET_FIELDS.get(kind, ()):
        if name in data:
            yield data[name]
    for name in SECRET_LISTS.get(kind, ()):
        yield from data.get(name) or []


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)
