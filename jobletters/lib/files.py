"""Private files: stored under server-generated keys, served only after a permission check.

:func:`private_file_response` streams a local file as an attachment, or redirects to a
short-lived presigned S3 URL; a row whose object is gone is a 404 (:class:`StoredFileMissing`).
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404, HttpResponseBase, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

_MAX_NAME = 120
_WHOLE = re.compile(r"[.,]0(?=\s)")  # "10.0 MB", "10,0 Mo" (a no-break space follows)


class StoredFileMissing(Http404):
    """The file a row names is not in storage (deleted there, or lost)."""


def generate_key(prefix: str, extension: str) -> str:
    """A storage key the user cannot influence: ``prefix/2026/11/<random>.ext``."""
    ext = extension.lower().lstrip(".")
    if not ext.isalnum():
        raise ValueError("extension must be alphanumeric")
    today = timezone.now()
    return f"{prefix}/{today:%Y/%m}/{secrets.token_urlsafe(24)}.{ext}"


def sanitise_filename(name: str, *, default: str = "file") -> str:
    """A display-only filename: no path parts, no control characters, bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if not name:
        return default
    if len(name) > _MAX_NAME:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: _MAX_NAME - len(suffix)] + suffix
    return name


def private_file_response(
    *, name: str, download_name: str, content_type: str, storage: Storage | None = None
) -> HttpResponseBase:
    storage = storage or default_storage
    disposition = content_disposition_header(as_attachment=True, filename=download_name)
    if storage.__class__.__module__.startswith("storages."):  # S3
        # A presigned URL is signed without asking S3: check the object is there, or the
        # browser would be sent to S3's own error page.
        if not storage.exists(name):
            raise _missing(name)
        url = storage.url(  # type: ignore[call-arg]  # S3Storage.url takes these
            name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            expire=settings.PRIVATE_URL_EXPIRY_SECONDS,
        )
        response: HttpResponseBase = HttpResponseRedirect(url)
    else:
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError:
            raise _missing(name) from None
        response = FileResponse(
            handle, as_attachment=True, filename=download_name, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _missing(name: str) -> StoredFileMissing:
    # Our fault, not the visitor's: staff must find out (the key names no one).
    logger.error("stored file missing: %s", name)
    return StoredFileMissing(name)


def size_words(size: int) -> str:
    """ "10 MB", not Django's "10.0 MB": a whole size needs no decimal (in any language)."""
    return _WHOLE.sub("", str(filesizeformat(size)))
