"""A recruiter's answer to a packet, given on its packet page (no account: the page's
token is the proof of who answers).

Each answer is a new :class:`~recruiters.models.Answer` row; the newest is the current
one. The message is plain text from someone we do not know, so it is checked by an
allow-list (letters, marks, digits, punctuation, symbols, spaces and line breaks) and
must not look like markup; it is always shown escaped. The seeker is told by email
(an account and transaction email: it is news about their own send), in their language.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jobletters.lib.emails import queue_email
from jobletters.lib.text import unreadable

from .introductions import request_introduction
from .models import ANSWER_MESSAGE_MAX, Answer, Delivery

# Answers per packet link per hour: enough to change one's mind, not to flood the seeker.
ANSWER_RATE = "10/h"

_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|&#?\w+;")


class AnswerRefused(Exception):
    """The answer cannot be taken; the message says why, in words."""


def clean_message(text: str) -> str:
    """The message as it will be kept, or AnswerRefused saying what to change."""
    text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    text = text.strip()
    if len(text) > ANSWER_MESSAGE_MAX:
        raise AnswerRefused(
            _("Keep the message to %(max)d characters (it has %(count)d).")
            % {"max": ANSWER_MESSAGE_MAX, "count": len(text)}
        )
    # The allow-list every form of the site uses (jobletters.lib.text).
    if (char := unreadable(text, lines=True)) is not None:
        raise AnswerRefused(
            _(
                "The message contains a character that cannot be shown (U+%(code)04X). "
                "Write it as plain text."
            )
            % {"code": ord(char)}
        )
    if _MARKUP.search(text):
        raise AnswerRefused(
            _("Write the message as plain text: it cannot contain HTML tags or entities.")
        )
    return text


def is_answerable(delivery: Delivery) -> bool:
    """A packet that reached the recruiter and was not withdrawn."""
    return delivery.state in Delivery.DELIVERED and delivery.sent_at is not None


@transaction.atomic
def answer_packet(*, delivery_id: int, kind: str, message: str = "") -> Answer:
    """Record the recruiter's answer and tell the seeker; the same answer twice is one."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("seeker", "recruiter", "send")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or not is_answerable(delivery):
        raise AnswerRefused(_("This packet can no longer be answered."))
    if kind not in Answer.Kind.values:
        raise AnswerRefused(_("Choose one of the answers."))
    message = clean_message(message)
    current = delivery.answers.order_by("-answered_at", "-pk").first()
    if current is not None and (current.kind, current.message) == (kind, message):
        return current
    answer = Answer.objects.create(delivery=delivery, kind=kind, message=message)
    if kind == Answer.Kind.INTERESTED:
        # On a blind packet, "contact me" can only be a request to learn who they are.
        request_introduction(delivery=delivery)
    _tell_seeker(delivery, answer)
    return answer


def current_answer(delivery: Delivery) -> Answer | None:
    return delivery.answers.order_by("-answered_at", "-pk").first()


def _tell_seeker(delivery: Delivery, answer: Answer) -> None:
    seeker = delivery.seeker
    report = settings.SITE_URL + reverse("recruiters:sends") + f"#packet-{delivery.pk}"
    recruiter = delivery.recruiter
    queue_email(
        template="recruiters/emails/answer",
        to=[seeker.email],
        person=seeker,
        context={
            "seeker": seeker,
            "delivery": delivery,
            "answer": answer,
            "kind": answer.kind,
            # "Contact me": the recruiter's address, which they asked the seeker to use.
            "recruiter_email": (
                recruiter.email
                if recruiter is not None
                and answer.kind == Answer.Kind.INTERESTED
                and not delivery.send.blind
                else ""
            ),
            "report_url": report,
            "blind": delivery.send.blind,
        },
        key=f"recruiter-answer:{answer.pk}",
    )
