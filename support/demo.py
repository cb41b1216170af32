"""A demo support inquiry with an answer, so the threads page has something to show."""

from __future__ import annotations

from typing import Any

from jobletters import demo

from . import services
from .models import Inquiry

SUBJECT = "Demo: which recruiters see my phone number?"


@demo.register
def load(*, seeker: Any, staff: Any, stdout: Any) -> None:
    if not Inquiry.objects.filter(person=seeker, subject=SUBJECT).exists():
        inquiry = services.submit_inquiry(
            person=seeker,
            subject=SUBJECT,
            body="If I send my job letter to recruiters, do they also get my phone number?",
        )
        services.answer_inquiry(
            inquiry=inquiry,
            staff=staff,
            body="Only if you tick 'include my address and phone' when you send. "
            "Without it, recruiters get your CV, job letter and email address.",
        )
    stdout.write("support: the demo seeker has an answered inquiry.")
