from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from jobletters.lib.files import sanitise_filename

from .cv_checks.common import ACCEPT, Refused
from .cv_checks.quick import Upload, quick_check
from .cv_checks.runner import caps, max_size_label, too_large
from .cvs import cvs_of


class CVUploadForm(forms.Form):
    """Collects the file and runs the quick checks (cheap: no parsing, no unpacking)."""

    file = forms.FileField(
        label=gettext_lazy("CV file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"empty": gettext_lazy("This file is empty. Please choose your CV again.")},
    )

    def __init__(self, *args: Any, owner: User, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.too_large = too_large
        self.upload: Upload | None = None
        self.fields["file"].help_text = _(
            "PDF or Word (.docx), up to %(size)s. You can keep up to %(count)d CVs. "
            "We check every file before recruiters can receive it."
        ) % {"size": max_size_label(), "count": settings.CV_MAX_PER_PERSON}

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data.get("file")
        if self.too_large:
            raise _error(too_large())
        if not upload:
            raise ValidationError(_("Please choose a file to upload."), code="required")
        if cvs_of(self.owner).counted().count() >= settings.CV_MAX_PER_PERSON:
            raise ValidationError(
                _("You already have %(count)d CVs. Delete one before uploading another.")
                % {"count": settings.CV_MAX_PER_PERSON},
                code="limit",
            )
        if upload.size is not None and upload.size > settings.CV_MAX_BYTES:
            raise _error(too_large())
        try:
            self.upload = quick_check(
                file=upload,
                display_name=sanitise_filename(upload.name or "", default="cv"),
                caps=caps(),
            )
        except Refused as refusal:
            raise _error(too_large() if refusal.code == "too_large" else refusal) from None
        return upload


def _error(refusal: Refused) -> ValidationError:
    return ValidationError(_(refusal.message), code=refusal.code)
