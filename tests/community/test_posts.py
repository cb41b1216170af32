"""§2.5 public comments: reading signed out, writing signed in, place tags, safe markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from community import services
from community.models import Comment, Thread
from privacy.rights.deletion import request_deletion

from .builders import city, comment_by, thread_by

pytestmark = pytest.mark.django_db

ATTACKS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert('x')>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="https://jobs.example/" onclick="alert(1)" style="color:red">a job board</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)><circle/></svg>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<object data=evil.swf></object><embed src=evil.swf>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<form action=https://evil.example><input name=password></form>",
]
FORBIDDEN_TAGS = {"script", "img", "iframe", "svg", "object", "embed", "form", "input",
                  "math", "style", "link", "meta", "base"}  # fmt: skip


class _Markup(HTMLParser):
    """Every element and attribute the browser would build from the text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, dict(attrs)))


def _assert_neutralised(html: str) -> None:
    """No element that runs script or loads anything, no handler or style attribute,
    no link other than http(s) or mailto."""
    parser = _Markup()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag not in FORBIDDEN_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on") and name not in ("style", "xlink:href", "src"), name
            if name == "href":
                assert (value or "").startswith(("http://", "https://", "mailto:", "/", "?")), value


def _main(response) -> str:
    """What people wrote, as the page shows it: post texts, titles and the thread list
    (the layout's own forms and scripts are not user content)."""
    html = response.content.decode()
    parts = re.findall(r'<div class="post-text">(.*?)</div>', html, re.S)
    parts += re.findall(r"<h1>(.*?)</h1>", html, re.S)
    parts += re.findall(r'<ol class="threads">(.*?)</ol>', html, re.S)
    assert parts, "no user content found on the page"
    return "\n".join(parts)


def test_anyone_can_read_threads_signed_out(client, seeker):
    thread = thread_by(seeker, title="Interviews in Leeds", place=city("Leeds"))
    comment_by(seeker, thread, "Practise out loud.")

    listing = client.get("/community/")
    assert listing.status_code == 200
    assert "Interviews in Leeds" in listing.content.decode()
    page = client.get(f"/community/{thread.pk}/").content.decode()
    assert "Practise out loud." in page and "Leeds" in page
    assert "Log in to join the conversation" in page


def test_the_place_filter_is_in_the_address_and_nothing_is_stored(client, seeker):
    leeds, york = city("Leeds"), city("York")
    for n in range(21):  # more than a page about Leeds
        thread_by(seeker, title=f"Leeds {n}", place=leeds)
    thread_by(seeker, title="Walls of York", place=york)

    address = f"/community/?place={leeds.pk}"
    about_leeds = client.get(address)
    assert {t.place for t in about_leeds.context["threads"]} == {leeds}
    assert f'href="?place={leeds.pk}&amp;page=2"' in about_leeds.content.decode()
    assert not about_leeds.cookies
    # The link is the filter: shared, it shows the same; without it, every place.
    shared = Client().get(address).content.decode()
    assert "Leeds 20" in shared and "Walls of York" not in shared
    assert "Walls of York" in client.get("/community/").content.decode()


def test_writing_needs_a_sign_in(client, seeker):
    thread = thread_by(seeker)
    response = client.post("/community/new/", {"title": "Hi", "body": "Hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(f"/community/{thread.pk}/comment/", {"body": "Hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Thread.objects.count() == 1 and not Comment.objects.exists()


def test_a_seeker_starts_a_thread_with_a_place_typed_without_javascript(seeker, seeker_client):
    response = seeker_client.post(
        "/community/new/",
        {"title": "Paralegal jobs", "body": "Who is hiring?", "place_search": "Manchester"},
    )
    thread = Thread.objects.get()
    assert response["Location"] == f"/community/{thread.pk}/"
    assert thread.author == seeker and thread.place == city("Manchester")


def test_the_combobox_choice_wins_over_the_words(seeker_client):
    leeds = city("Leeds")
    seeker_client.post(
        "/community/new/",
        {"title": "t", "body": "b", "place": str(leeds.pk), "place_search": leeds.label},
    )
    assert Thread.objects.get().place == leeds


def test_a_place_that_matches_nothing_is_a_message_not_a_500(seeker_client):
    response = seeker_client.post(
        "/community/new/", {"title": "t", "body": "b", "place_search": "Qxzzqxzz"}
    )
    assert response.status_code == 200
    assert "We found no place matching" in response.content.decode()
    assert not Thread.objects.exists()


def test_empty_or_too_long_posts_get_a_clear_message(seeker_client, seeker):
    response = seeker_client.post("/community/new/", {"title": "t", "body": "<b></b>"})
    assert "Write something first." in response.content.decode()
    thread = thread_by(seeker)
    response = seeker_client.post(f"/community/{thread.pk}/comment/", {"body": "x" * 3001})
    assert response.status_code == 400
    assert "Keep it under 3000 characters." in response.content.decode()
    assert not Comment.objects.exists()


def test_commenting_bumps_the_thread_and_lands_on_the_comment(seeker, other_seeker_client):
    old = thread_by(seeker, title="Old")
    thread_by(seeker, title="New")
    response = other_seeker_client.post(f"/community/{old.pk}/comment/", {"body": "Me too"})
    comment = Comment.objects.get()
    assert response["Location"] == f"/community/{old.pk}/#comment-{comment.pk}"
    old.refresh_from_db()
    assert old.comment_count == 1
    assert [t.title for t in other_seeker_client.get("/community/").context["threads"]] == [
        "Old",
        "New",
    ]


def test_authors_appear_by_first_name_and_initial_only(client, seeker):
    thread = thread_by(seeker)
    page = client.get(f"/community/{thread.pk}/").content.decode()
    assert "Sam S." in page
    assert "Sam Seeker" not in page and seeker.email not in page


@pytest.mark.parametrize("attack", ATTACKS)
def test_xss_in_threads_and_comments_is_neutralised(attack, seeker, seeker_client, client):
    response = seeker_client.post(
        "/community/new/", {"title": f"Title {attack}", "body": f"Before {attack} after"}
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    seeker_client.post(f"/community/{thread.pk}/comment/", {"body": f"Comment {attack}"})
    comment = Comment.objects.get()
    _assert_neutralised(thread.body)
    _assert_neutralised(comment.body)
    for page in (client.get(f"/community/{thread.pk}/"), client.get("/community/")):
        html = _main(page)
        _assert_neutralised(html)
    # The title is plain text: shown escaped, never as markup.
    assert "&lt;" in _main(client.get(f"/community/{thread.pk}/"))


def test_a_row_written_some_other_way_is_sanitised_again_when_shown(seeker, client):
    thread = Thread.objects.create(
        author=seeker, title="Direct", body='<p>ok</p><script>alert(1)</script><a href="x">r</a>'
    )
    html = _main(client.get(f"/community/{thread.pk}/"))
    _assert_neutralised(html)
    assert "<p>ok</p>" in html


def test_links_are_kept_but_never_followed_for_ranking(seeker, client):
    thread = thread_by(seeker, body='See <a href="https://jobs.example/leeds">the board</a>.')
    html = _main(client.get(f"/community/{thread.pk}/"))
    assert 'href="https://jobs.example/leeds"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html


def test_authors_edit_and_delete_their_own_posts(seeker, seeker_client):
    thread = thread_by(seeker)
    comment = comment_by(seeker, thread)
    seeker_client.post(f"/community/{thread.pk}/edit/", {"title": "Better", "body": "Edited"})
    thread.refresh_from_db()
    assert (thread.title, thread.edited_at is not None) == ("Better", True)
    seeker_client.post(f"/community/comments/{comment.pk}/edit/", {"body": "Changed"})
    comment.refresh_from_db()
    assert "Changed" in comment.body
    seeker_client.post(f"/community/comments/{comment.pk}/delete/")
    assert not Comment.objects.exists()
    thread.refresh_from_db()
    assert thread.comment_count == 0
    seeker_client.post(f"/community/{thread.pk}/delete/")
    assert not Thread.objects.exists()


def test_editing_or_deleting_someone_elses_post_is_a_404(seeker, other_seeker_client):
    thread = thread_by(seeker)
    comment = comment_by(seeker, thread)
    for url in (
        f"/community/{thread.pk}/edit/",
        f"/community/{thread.pk}/delete/",
        f"/community/comments/{comment.pk}/edit/",
        f"/community/comments/{comment.pk}/delete/",
    ):
        assert other_seeker_client.get(url).status_code == 404, url
        assert other_seeker_client.post(url, {"title": "x", "body": "hacked"}).status_code == 404
    thread.refresh_from_db()
    comment.refresh_from_db()
    assert thread.title == "Job hunting in Leeds" and "hacked" not in comment.body


def test_unknown_ids_and_bad_input_are_4xx_never_500(client, seeker_client):
    for url in ("/community/999999/", "/community/?place=999999", "/community/?place=nope"):
        assert client.get(url).status_code == 404, url
    assert client.get("/community/?page=abc").status_code == 200
    assert seeker_client.post("/community/999999/comment/", {"body": "x"}).status_code == 404
    assert seeker_client.get("/community/comments/999999/report/").status_code == 404
    assert client.put("/community/").status_code == 405


def test_a_frozen_account_cannot_post(seeker, seeker_client, other_seeker):
    thread = thread_by(other_seeker)
    # Frozen from another browser: this one's session does not know yet (no redirect to
    # the deletion page), and still nothing is posted.
    request_deletion(user=seeker, keep_session=seeker_client.session.session_key)
    response = seeker_client.post("/community/new/", {"title": "t", "body": "b"})
    assert "Your account is waiting to be deleted" in response.content.decode()
    response = seeker_client.post(f"/community/{thread.pk}/comment/", {"body": "b"})
    assert response.status_code == 400
    assert Thread.objects.count() == 1 and not Comment.objects.exists()
    # Signed in again while frozen: every community page leads to the deletion page.
    seeker_client.force_login(seeker)
    response = seeker_client.post("/community/new/", {"title": "t", "body": "b"})
    assert response.status_code == 302 and response["Location"] == "/privacy/delete/"
    # The rule itself, whatever the page: the service refuses.
    with pytest.raises(services.Refused, match="waiting to be deleted"):
        services.start_thread(author=seeker, title="t", body="b")
    with pytest.raises(services.Refused):
        services.add_comment(author=seeker, thread=thread, body="b")


def test_posting_is_rate_limited(settings, seeker, seeker_client, other_seeker_client):
    settings.COMMUNITY_RATE_LIMITS = {**settings.COMMUNITY_RATE_LIMITS, "comment": "2/h/user"}
    thread = thread_by(seeker)
    url = f"/community/{thread.pk}/comment/"
    assert [seeker_client.post(url, {"body": f"{n}"}).status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
    assert Comment.objects.count() == 2
    # Another person is not slowed down.
    assert other_seeker_client.post(url, {"body": "mine"}).status_code == 302
