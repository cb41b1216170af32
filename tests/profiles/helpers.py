"""Uploading CVs the way a seeker does, and looking at what storage holds."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

URL = "/profile/cv/"


def upload(client, name: str, data: bytes, content_type="application/octet-stream", *, check=True):
    """POST a file to the CV page. With ``check`` (the default) the work deferred by the
    request runs once it has returned, as a worker would: the deep check, in its child."""
    file = SimpleUploadedFile(name, data, content_type=content_type)
    if not check:
        return client.post(URL, {"file": file})
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, {"file": file})


def stored_files(prefix: str = "cvs") -> list[str]:
    """Everything under ``prefix`` in the private storage (originals; copies: "cv-copies")."""
    found = []

    def walk(path: str) -> None:
        if not default_storage.exists(path):
            return
        dirs, files = default_storage.listdir(path)
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk(prefix)
    return found


def some_targets(n: int) -> list:
    """``n`` targets (unsaved): the first occupations, each in one of the largest places."""
    from profiles.models import Target
    from taxonomy.models import Occupation, Place

    pairs = zip(Occupation.objects.all()[:n], Place.objects.all()[:n], strict=True)
    return [Target(occupation=occupation, place=place) for occupation, place in pairs]
