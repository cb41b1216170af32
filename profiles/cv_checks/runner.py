"""The web and worker side of CV checking: caps from settings, the deep check in a sandbox."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from jobletters.lib import sandbox
from jobletters.lib.files import size_words

from .common import Caps, Refused, unreadable
from .deep import REFUSED, Report, parse_report

logger = logging.getLogger(__name__)

DEEP_CHECK = "profiles.cv_checks.deep:check"


def caps() -> Caps:
    return Caps(
        max_bytes=settings.CV_MAX_BYTES,
        zip_max_entries=settings.CV_DOCX_MAX_ENTRIES,
        zip_max_uncompressed_bytes=settings.CV_DOCX_MAX_UNCOMPRESSED_BYTES,
        max_decompressed_bytes=settings.CV_CHECK_MAX_DECOMPRESSED_BYTES,
        text_max_chars=settings.CV_TEXT_MAX_CHARS,
    )


def limits() -> sandbox.Limits:
    return sandbox.Limits(
        memory_bytes=settings.CV_CHECK_MEMORY_BYTES,
        cpu_seconds=settings.CV_CHECK_CPU_SECONDS,
        wall_seconds=settings.CV_CHECK_WALL_SECONDS,
        # The copy (a few times the original at most) and the text, as UTF-8.
        output_bytes=4 * settings.CV_MAX_BYTES + 4 * settings.CV_TEXT_MAX_CHARS + 1024 * 1024,
    )


def max_size_label() -> str:
    return size_words(settings.CV_MAX_BYTES).replace("\xa0", " ")


def too_large() -> Refused:
    return Refused(
        _(
            "This file is larger than %(size)s. "
            "Please upload a smaller PDF or Word file (for example, with smaller images)."
        )
        % {"size": max_size_label()},
        code="too_large",
    )


def too_complex() -> Refused:
    return Refused(
        _(
            "This file needs far more memory or time to open than a CV should "
            "(a sign of a damaged or malicious file). Please export or save your CV again "
            "and upload the new file."
        ),
        code="too_complex",
    )


def run_deep_check(*, data: bytes, kind: str) -> Report:
    """The deep check of one file, in a child process under the configured limits.

    Never raises for anything the file can cause: a limit or a crash is a refusal.
    """
    try:
        result = sandbox.run(
            DEEP_CHECK,
            data,
            limits=limits(),
            args={"kind": kind, "caps": caps().as_dict()},
        )
    except sandbox.LimitExceeded as exc:
        logger.info("CV check stopped: %s limit (peak %d bytes)", exc.limit, exc.peak_memory_bytes)
        refusal = too_complex()
        return Report(verdict=REFUSED, code=refusal.code, message=refusal.message)
    except sandbox.ChildFailed as exc:
        logger.warning("CV check failed in the child: %s", exc)
        refusal = unreadable(kind)
        return Report(verdict=REFUSED, code=refusal.code, message=refusal.message)
    return parse_report(result.output)
