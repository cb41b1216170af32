"""Stop reading a CV upload as soon as it is larger than we accept.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields only, not files, so
without this a 2 GB "CV" would be written to a temporary file before the form
could say no. The handler skips the file past CV_MAX_BYTES and leaves a note on
the request, and the upload form turns the note into its size message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

TOO_LARGE_ATTR = "_cv_upload_too_large"


class CVUploadLimitHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        # A browser usually says how big the part is: refuse before reading it.
        if self.content_length is not None and self.content_length > settings.CV_MAX_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.CV_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        setattr(self.request, TOO_LARGE_ATTR, True)
        raise SkipFile


def limit_cv_upload(request: HttpRequest) -> None:
    """Put the size limit in front of Django's own handlers (before POST is read)."""
    request.upload_handlers = [CVUploadLimitHandler(request), *request.upload_handlers]


def upload_was_too_large(request: HttpRequest) -> bool:
    return getattr(request, TOO_LARGE_ATTR, False)
