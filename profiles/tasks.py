"""Background work for profiles, run from the outbox (see jobletters.outbox)."""

from __future__ import annotations

from django.conf import settings

from jobletters import outbox

from . import cvs


@outbox.handler(
    cvs.CHECK_CV,
    queue="default",
    max_attempts=3,
    # The sandbox kills the check at CV_CHECK_WALL_SECONDS; storage calls need the rest.
    time_limit=settings.CV_CHECK_WALL_SECONDS + 60,
)
def check_cv(payload: dict) -> None:
    """The deep check of an uploaded CV, in a sandboxed child process."""
    cvs.check_cv(cv_id=payload["cv_id"], copy_key=payload["copy_key"])


@check_cv.on_give_up
def _check_cv_gave_up(payload: dict, error: str) -> None:
    # Never "checking" forever: a check that cannot finish refuses the file.
    cvs.gave_up_checking(cv_id=payload["cv_id"], copy_key=payload["copy_key"])
