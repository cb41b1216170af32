"""What people write is kept as others will read it (jobletters/lib/text.py): characters
outside the allow-list are refused with the code point named, in the field's language."""

import pytest

from community.models import Comment, Thread
from support.models import InquiryMessage

from ..community.builders import thread_by
from ..support.builders import inquiry_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "char",
    ["\x1b", "\x00", "\u202e", "\ue000", "\u2028", "\x85"],
    ids=["ESC", "NUL", "right-to-left override", "private use", "line separator", "NEL"],
)
def test_a_comment_with_an_invisible_character_is_refused_in_words(seeker_client, seeker, char):
    thread = thread_by(seeker)
    response = seeker_client.post(
        f"/community/{thread.pk}/comment/", {"body": f"Hello{char}[31mworld"}
    )
    assert response.status_code == 400
    assert f"U+{ord(char):04X}" in response.content.decode()
    assert not Comment.objects.filter(thread=thread).exists()


def test_lines_emoji_and_other_scripts_are_kept(seeker_client, seeker):
    thread = thread_by(seeker)
    body = "Merci 👋 — שלום, こんにちは\n\nSecond paragraph\twith a tab"
    response = seeker_client.post(f"/community/{thread.pk}/comment/", {"body": body})
    assert response.status_code == 302
    assert Comment.objects.filter(thread=thread).exists()


def test_a_one_line_field_refuses_a_line_break(seeker_client, seeker):
    response = seeker_client.post("/community/new/", {"title": "Two\nlines", "body": "Hi"})
    assert "U+000A" in response.content.decode()
    assert not Thread.objects.filter(title__startswith="Two").exists()


def test_a_support_reply_says_so_in_french(seeker_client, seeker):
    inquiry = inquiry_for(seeker)
    response = seeker_client.post(
        f"/support/inquiries/{inquiry.pk}/", {"body": "Bonjour\x07"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "ne peut pas être affiché (U+0007)" in response.content.decode()
    assert InquiryMessage.objects.filter(inquiry=inquiry).count() == 1
