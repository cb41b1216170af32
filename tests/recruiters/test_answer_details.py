"""The finer rules of answers and visits: how a message is kept, which answer is current,
what "interested" does on a named packet, and when a view of the page counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from jobletters.models import OutboxEntry
from recruiters import sending
from recruiters.models import ANSWER_MESSAGE_MAX, Answer, Delivery, Introduction, PacketAccess

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db


def test_a_message_is_kept_as_plain_lines_without_the_spaces_around_them():
    text = "  Hello Sam,  \r\n\r\nCall me on Monday.\t \r\n \r\n"
    assert sending.clean_message(text) == "Hello Sam,\n\nCall me on Monday."
    assert sending.clean_message("") == ""


def test_a_message_of_exactly_the_limit_is_kept_and_the_spaces_after_it_do_not_count():
    longest = "x" * ANSWER_MESSAGE_MAX
    assert sending.clean_message(longest) == longest
    assert sending.clean_message(longest + "  \r\n ") == longest
    with pytest.raises(sending.AnswerRefused) as refused:
        sending.clean_message(longest + "y")
    assert str(refused.value) == "Keep the message to 1000 characters (it has 1001)."


def test_the_refused_character_is_named_by_its_code_point():
    with pytest.raises(sending.AnswerRefused) as refused:
        sending.clean_message("Tab is fine\tbut not \x0b here")
    assert str(refused.value) == (
        "The message contains a character that cannot be shown (U+000B). Write it as plain text."
    )


def test_markup_is_refused_in_words():
    with pytest.raises(sending.AnswerRefused) as refused:
        sending.clean_message("Call me <b>today</b>")
    assert str(refused.value) == (
        "Write the message as plain text: it cannot contain HTML tags or entities."
    )


def test_the_newest_answer_is_current_even_when_two_share_a_moment(sent):
    delivery, _, _ = sent
    moment = timezone.now()
    Answer.objects.create(delivery=delivery, kind="not_now", answered_at=moment)
    latest = Answer.objects.create(delivery=delivery, kind="interested", answered_at=moment)
    assert sending.current_answer(delivery) == latest
    # Giving the current answer again is the same answer: no new row, no new email.
    run_outbox()
    mail.outbox.clear()
    assert sending.answer_packet(delivery_id=delivery.pk, kind="interested") == latest
    assert Answer.objects.filter(delivery=delivery).count() == 2
    run_outbox()
    assert mail.outbox == []


def test_interested_in_a_named_packet_asks_for_no_introduction(sent):
    delivery, _, _ = sent
    sending.answer_packet(delivery_id=delivery.pk, kind="interested", message="Call me.")
    assert not Introduction.objects.exists()
    assert sending.request_introduction(delivery=delivery) is None


def test_a_packet_that_never_left_cannot_be_answered(seeker):
    b.ready_seeker(seeker)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    delivery = b.send_to(seeker, alex, deliver=False)
    with pytest.raises(sending.AnswerRefused, match=r"^This packet can no longer be answered\.$"):
        sending.answer_packet(delivery_id=delivery.pk, kind="not_now")
    with pytest.raises(sending.AnswerRefused, match=r"^This packet can no longer be answered\.$"):
        sending.answer_packet(delivery_id=delivery.pk + 1000, kind="not_now")
    assert not Answer.objects.exists()


def test_accepting_an_introduction_agrees_to_words_that_name_the_recruiter_and_what_is_shared(
    seeker,
):
    b.ready_seeker(seeker)
    alex = b.recruiter(
        name="Alex Carter", agency="Harper Legal",
        occupations=[b.occupation("2611")], places=[b.city("London")],
    )  # fmt: skip
    plan = sending.plan_send(
        seeker=seeker, recruiter_ids=[alex.pk], include_contact=True, blind=True
    )
    send = sending.confirm_send(
        seeker=seeker, recruiter_ids=[alex.pk], include_contact=True, consent_given=True,
        digest=plan.digest, blind=True,
    )  # fmt: skip
    delivery = send.deliveries.get()
    assert sending.acceptance_text(delivery=delivery) == (
        "I accept the request of Alex Carter, Harper Legal for an introduction: Job Letters "
        "shares my name, email address, CV (“Sam CV.pdf”), postal address and phone number "
        "with them, and with no other recruiter."
    )
    assert sending.introduction_categories(send.snapshot) == [
        "name", "email address", "CV", "postal address", "phone number",
    ]  # fmt: skip


def test_a_view_counts_even_when_the_cache_is_down(sent, client, monkeypatch):
    delivery, token, _ = sent

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "add", down)
    assert client.get(f"/p/{token}/").status_code == 200
    delivery.refresh_from_db()
    assert delivery.view_count == 1 and delivery.state == Delivery.State.OPENED


def test_the_visit_window_is_the_setting(sent, client, settings):
    delivery, token, _ = sent
    settings.RECRUITERS_PACKET_VISIT_SECONDS = 0  # no window: every view is a visit
    for _ in range(3):
        assert client.get(f"/p/{token}/").status_code == 200
    delivery.refresh_from_db()
    assert delivery.view_count == 3
    assert PacketAccess.objects.filter(delivery=delivery, kind="view").count() == 3


def test_the_seeker_is_greeted_by_name_and_the_email_waiting_to_go_is_theirs(sent, seeker):
    delivery, _, _ = sent
    answer = sending.answer_packet(delivery_id=delivery.pk, kind="not_now", message="Later.")
    entry = OutboxEntry.objects.get(key=f"recruiter-answer:{answer.pk}")
    assert entry.person == seeker  # erased with them if it has not left yet
    run_outbox()
    (email,) = [m for m in mail.outbox if m.to == ["seeker@example.com"]]
    assert email.body.startswith("Hello Sam Seeker,")
    assert "contact them" not in email.body  # only "interested" gives their address
