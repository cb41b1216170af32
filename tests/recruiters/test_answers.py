"""Recruiters answer a packet on its page: each answer a row, the seeker told by email,
rate-limited per link, bad input refused in words, nothing once the packet is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from privacy.rights.erasure import erase_person
from recruiters import directory, sending
from recruiters.models import Answer, PacketLink

from ..utils import run_outbox

pytestmark = pytest.mark.django_db


def _answer(client, token, kind="interested", message=""):
    return client.post(f"/p/{token}/answer/", {"kind": kind, "message": message})


def _emails_to(address):
    run_outbox()
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("interested", "Interested — contact me"),
        ("not_now", "Not now"),
        ("not_a_fit", "Not a fit"),
    ],
)
def test_each_answer_is_recorded_and_the_seeker_is_told_by_email(sent, client, kind, words):
    delivery, token, _ = sent
    response = _answer(client, token, kind, "Thanks, Sam.\nLet us talk.")
    assert response.status_code == 302 and response["Location"] == f"/p/{token}/#answer"
    answer = Answer.objects.get(delivery=delivery)
    assert (answer.kind, answer.message) == (kind, "Thanks, Sam.\nLet us talk.")

    (email,) = _emails_to("seeker@example.com")
    assert email.subject == f"Alex Carter, Harper Legal answered: {words}"
    assert "Thanks, Sam.\nLet us talk." in email.body
    assert f"#packet-{delivery.pk}" in email.body
    # "Contact me" gives the recruiter's own address; the other answers do not.
    assert ("alex@harper.example" in email.body) is (kind == "interested")
    assert "List-Unsubscribe" not in email.extra_headers

    page = client.get(f"/p/{token}/").content.decode()
    assert f"You answered “{words}”" in page


def test_the_email_is_in_the_seekers_language(sent, client, seeker):
    seeker.language = "fr"
    seeker.save(update_fields=["language"])
    _, token, _ = sent
    _answer(client, token, "not_now")
    (email,) = _emails_to("seeker@example.com")
    assert "Pas pour l'instant" in email.subject


def test_an_answer_can_be_changed_and_the_history_is_kept(sent, client):
    delivery, token, _ = sent
    _answer(client, token, "not_now")
    _answer(client, token, "not_now")  # the same answer twice is one
    _answer(client, token, "interested", "Actually, yes.")
    rows = list(Answer.objects.filter(delivery=delivery).values_list("kind", flat=True))
    assert rows == ["not_now", "interested"]
    assert Answer.objects.current().get(delivery=delivery).kind == "interested"
    assert len(_emails_to("seeker@example.com")) == 2


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("x" * 1001, "Keep the message to 1000 characters (it has 1001)."),
        ("Call me\x00now", "Null characters are not allowed."),
        ("Call me\x07now", "cannot be shown (U+0007)"),
        ("Hi\u202eevil", "cannot be shown (U+202E)"),
        ("Private \ue000 use", "cannot be shown (U+E000)"),
        ('<a href="https://evil.example">click</a>', "cannot contain HTML tags"),
        ("<script>alert(1)</script>", "cannot contain HTML tags"),
        ("Tom &amp; Jerry", "cannot contain HTML tags"),
    ],
)
def test_bad_messages_are_refused_in_words_and_nothing_is_recorded(sent, client, message, says):
    delivery, token, _ = sent
    response = _answer(client, token, "interested", message)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Answer.objects.filter(delivery=delivery).exists()
    assert _emails_to("seeker@example.com") == []


def test_plain_text_with_symbols_and_accents_is_fine(sent, client):
    delivery, token, _ = sent
    message = "Salary > 50k & remote?\tÉtienne says: 5 < 6 — ok 👍"
    assert _answer(client, token, "not_now", message).status_code == 302
    assert Answer.objects.get(delivery=delivery).message == message


@pytest.mark.parametrize("data", [{}, {"kind": "hire_now"}, {"kind": ["a", "b"]}])
def test_a_missing_or_unknown_answer_is_a_clear_400(sent, client, data):
    _, token, _ = sent
    response = client.post(f"/p/{token}/answer/", data)
    assert response.status_code == 400
    assert "Your answer" in response.content.decode()


def test_answers_are_rate_limited_per_link(sent, client, seeker):
    _, token, _ = sent
    for n in range(10):
        _answer(client, token, "not_now", f"Try {n}")
    response = _answer(client, token, "interested")
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "Too many answers from this page" in response.content.decode()
    assert Answer.objects.count() == 10


def test_an_unknown_link_cannot_answer(client):
    assert client.post("/p/" + "x" * 43 + "/answer/", {"kind": "not_now"}).status_code == 404
    assert client.get("/p/" + "x" * 43 + "/answer/").status_code == 405


def test_no_answer_after_revoke(sent, client, seeker):
    delivery, token, _ = sent
    sending.revoke_delivery(seeker=seeker, delivery_id=delivery.pk)
    assert _answer(client, token).status_code == 410
    assert not Answer.objects.exists()


def test_no_answer_after_expiry(sent, client):
    delivery, token, _ = sent
    PacketLink.objects.filter(delivery=delivery).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _answer(client, token).status_code == 410
    assert not Answer.objects.exists()


def test_erasing_the_seeker_closes_the_page_and_leaves_no_message(sent, client, seeker):
    _, token, _ = sent
    _answer(client, token, "interested", "Call me on Monday.")
    erase_person(seeker.pk)
    assert _answer(client, token).status_code == 410
    assert not Answer.objects.exists()


def test_erasing_the_recruiter_removes_their_messages_but_the_seeker_keeps_the_answer(sent, client):
    delivery, token, alex = sent
    _answer(client, token, "interested", "Call me on Monday.")
    exported = directory.export_recruiter(email=alex.email)
    assert exported["answers"][0]["message"] == "Call me on Monday."
    directory.erase_recruiter(email=alex.email)
    answer = Answer.objects.get(delivery=delivery)
    assert (answer.kind, answer.message) == ("interested", "")
