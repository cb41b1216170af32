"""§8: every email has a category; only account and transaction emails go to everyone.

Announcements and marketing carry a visible unsubscribe link, a List-Id per category
and the RFC 8058 one-click headers; account and transaction emails carry none of it.
People who said no, frozen accounts and unconfirmed addresses get nothing.
"""

from __future__ import annotations

import pytest
from django.core import mail

from communications import categories
from communications.categories import Category
from jobletters.lib.emails import queue_email
from privacy.rights.deletion import request_deletion

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db

NON_TRANSACTIONAL = [Category.ANNOUNCEMENTS, Category.MARKETING]
LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Unsubscribe-Post")


def _queue(user, category, **kwargs):
    from communications.announcements import Content

    content = Content(subject="News", html="<p>Hello</p>", text="Hello")
    return categories.queue_email(
        template="communications/emails/announcement",
        context={"content": content, "person": user},
        person=user,
        category=category,
        **kwargs,
    )


@pytest.mark.parametrize("category", NON_TRANSACTIONAL)
def test_s8_non_transactional_emails_carry_the_headers_and_a_visible_link(
    seeker, category, smtp_sink
):
    b.choose(seeker, category, True)
    entry = _queue(seeker, category)
    headers = entry.payload["headers"]
    path = b.unsubscribe_path(entry.payload)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Id"] == f'"Job Letters: {category.label}" <{category.value}.testserver>'

    run_outbox()
    [message] = smtp_sink.wait_for(1)
    assert message["List-Unsubscribe"].strip() == f"<http://testserver{path}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"].strip() == headers["List-Id"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert f"http://testserver{path}" in body  # the visible link
        assert "http://testserver/email/preferences/" in body


def test_s8_account_and_transaction_emails_have_no_unsubscribe_headers(
    client, seeker, seeker_client, smtp_sink
):
    # Three real transactional emails: a password reset, a deletion notice, a plain queue.
    client.post("/accounts/password/reset/", {"email": seeker.email})
    request_deletion(user=seeker)
    queue_email(
        template="privacy/emails/deletion_cancelled", to=[seeker.email], context={"user": seeker}
    )
    run_outbox()
    messages = smtp_sink.wait_for(3)
    assert len(messages) == 3
    for message in messages:
        for name in LIST_HEADERS:
            assert message[name] is None, (message["Subject"], name)
        assert "/email/unsubscribe/" not in message.get_body(("plain",)).get_content()


def test_s8_callers_cannot_set_the_list_headers_themselves(seeker):
    # An account email cannot pose as a list; a category email takes no headers at all.
    with pytest.raises(ValueError, match="List-"):
        queue_email(
            template="privacy/emails/deletion_cancelled",
            to=[seeker.email],
            context={"user": seeker},
            headers={"list-unsubscribe": "<mailto:x@example.com>"},
        )
    with pytest.raises(TypeError):
        _queue(seeker, Category.ANNOUNCEMENTS, headers={"List-Id": "<x.example.com>"})


def test_s8_a_category_email_goes_to_one_person_at_their_own_address(seeker):
    assert _queue(seeker, Category.ANNOUNCEMENTS).payload["to"] == [seeker.email]
    with pytest.raises(ValueError):
        _queue(None, Category.ANNOUNCEMENTS)
    with pytest.raises(ValueError):
        _queue(seeker, Category.TRANSACTIONAL)  # account emails go through jobletters


def test_s8_a_category_email_must_show_the_link(seeker, settings, tmp_path):
    (tmp_path / "bare_subject.txt").write_text("Hi")
    (tmp_path / "bare.txt").write_text("Hi")
    (tmp_path / "bare.html").write_text("<p>No layout, so no unsubscribe link</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    with pytest.raises(ValueError, match=r"emails/base\.html"):
        categories.queue_email(template="bare", person=seeker, category="announcements")


def test_s8_defaults_announcements_on_marketing_off(seeker):
    assert categories.choices_of(seeker) == {
        Category.ANNOUNCEMENTS: True,
        Category.MARKETING: False,
    }
    assert _queue(seeker, Category.ANNOUNCEMENTS) is not None
    assert _queue(seeker, Category.MARKETING) is None  # opt-in only


def test_s8_people_who_said_no_frozen_accounts_and_unconfirmed_addresses_get_nothing(db):
    said_no = b.person("no@example.com")
    b.choose(said_no, Category.ANNOUNCEMENTS, False)
    frozen = b.person("frozen@example.com")
    request_deletion(user=frozen)
    unconfirmed = b.person("unconfirmed@example.com", verified=False)
    inactive = b.person("inactive@example.com", is_active=False)
    welcome = b.person("yes@example.com")
    mail.outbox.clear()

    for user in (said_no, frozen, unconfirmed, inactive):
        assert _queue(user, Category.ANNOUNCEMENTS) is None, user.email
    assert _queue(welcome, Category.ANNOUNCEMENTS) is not None
    audience = set(categories.recipients_for(Category.ANNOUNCEMENTS))
    assert audience == {welcome}


def test_s8_the_newest_choice_counts(seeker):
    b.choose(seeker, Category.MARKETING, True)
    b.choose(seeker, Category.MARKETING, False)
    assert categories.choices_of(seeker)[Category.MARKETING] is False
    b.choose(seeker, Category.MARKETING, True)
    assert categories.may_receive(seeker, Category.MARKETING)


def test_s8_an_email_waiting_when_the_person_unsubscribes_is_never_sent(seeker, smtp_sink):
    entry = _queue(seeker, Category.ANNOUNCEMENTS)
    b.choose(seeker, Category.ANNOUNCEMENTS, False)  # before the worker gets to it
    run_outbox()
    entry.refresh_from_db()
    assert entry.state == "done"
    assert entry.payload == {
        "kind": "communications/emails/announcement",
        "message_id": entry.payload["message_id"],
        "category": "announcements",
        "outcome": "skipped",
    }
    assert smtp_sink.messages == []


def test_s8_an_email_waiting_when_the_account_is_frozen_is_never_sent(seeker):
    entry = _queue(seeker, Category.ANNOUNCEMENTS)
    request_deletion(user=seeker)
    mail.outbox.clear()
    run_outbox()
    entry.refresh_from_db()
    assert entry.payload["outcome"] == "skipped"
    assert [m for m in mail.outbox if m.to == [seeker.email] and "News" in m.subject] == []


def test_s8_a_key_queues_one_email_whatever_happens(seeker):
    first = _queue(seeker, Category.ANNOUNCEMENTS, key="news:1")
    again = _queue(seeker, Category.ANNOUNCEMENTS, key="news:1")
    assert first.pk == again.pk
    assert len(b.queued_emails(key="news:1")) == 1
