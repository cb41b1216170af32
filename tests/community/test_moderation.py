"""Reports and moderation: hidden posts are invisible to everyone but their author."""

from __future__ import annotations

import pytest
from django.test import Client

from community import services
from community.models import Comment, Report, Thread

from .builders import comment_by, thread_by

pytestmark = pytest.mark.django_db


def _admin(staff_with_mfa) -> Client:
    client = Client()
    client.force_login(staff_with_mfa)
    return client


def test_a_hidden_thread_is_invisible_to_others_and_shown_to_its_author_with_the_reason(
    seeker, seeker_client, other_seeker_client, client, staff
):
    thread = thread_by(seeker, title="Spammy thread")
    services.hide_post(post=thread, staff=staff, reason="Advertising")

    for reader in (client, other_seeker_client):
        assert reader.get(f"/community/{thread.pk}/").status_code == 404
        assert "Spammy thread" not in reader.get("/community/").content.decode()
        assert reader.get(f"/community/{thread.pk}/report/").status_code in (302, 404)
    mine = seeker_client.get(f"/community/{thread.pk}/").content.decode()
    assert "Hidden by our moderators: only you can see this thread." in mine
    assert "Advertising" in mine
    assert "Spammy thread" in seeker_client.get("/community/").content.decode()
    # A hidden thread takes no comments, not even from its author.
    seeker_client.post(f"/community/{thread.pk}/comment/", {"body": "bump"})
    assert not Comment.objects.exists()


def test_a_hidden_comment_is_invisible_to_others(
    seeker, other_seeker, client, other_seeker_client, seeker_client, staff
):
    thread = thread_by(seeker)
    visible = comment_by(other_seeker, thread, "A helpful answer")
    hidden = comment_by(other_seeker, thread, "Buy cheap followers")
    services.hide_post(post=hidden, staff=staff, reason="Spam")
    thread.refresh_from_db()
    assert thread.comment_count == 1

    for reader in (client, seeker_client):
        page = reader.get(f"/community/{thread.pk}/").content.decode()
        assert "A helpful answer" in page and "Buy cheap followers" not in page
        assert "1 comment" in page
    assert seeker_client.get(f"/community/comments/{hidden.pk}/report/").status_code == 404
    mine = other_seeker_client.get(f"/community/{thread.pk}/").content.decode()
    assert "Buy cheap followers" in mine
    assert "Hidden by our moderators: only you can see this comment." in mine
    services.show_post(post=hidden)
    assert "Buy cheap followers" in client.get(f"/community/{thread.pk}/").content.decode()
    assert visible.pk != hidden.pk


def test_a_reader_reports_a_post_once_and_the_author_is_not_told_who(
    seeker, other_seeker, other_seeker_client, seeker_client
):
    thread = thread_by(seeker)
    comment = comment_by(seeker, thread)
    form = other_seeker_client.get(f"/community/{thread.pk}/report/")
    assert form.status_code == 200
    for _ in range(2):
        response = other_seeker_client.post(
            f"/community/comments/{comment.pk}/report/", {"reason": "abuse", "note": "Rude"}
        )
        assert response.status_code == 302
    report = Report.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, other_seeker, "abuse")
    assert other_seeker.email not in seeker_client.get(f"/community/{thread.pk}/").content.decode()


def test_a_report_needs_a_reason(seeker, other_seeker_client):
    thread = thread_by(seeker)
    response = other_seeker_client.post(f"/community/{thread.pk}/report/", {"reason": "bored"})
    assert response.status_code == 200 and not Report.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_reporting_is_rate_limited(settings, seeker, other_seeker_client):
    settings.COMMUNITY_RATE_LIMITS = {**settings.COMMUNITY_RATE_LIMITS, "report": "2/h/user"}
    threads = [thread_by(seeker, title=f"T{n}") for n in range(3)]
    codes = [
        other_seeker_client.post(f"/community/{t.pk}/report/", {"reason": "spam"}).status_code
        for t in threads
    ]
    assert codes == [302, 302, 429]
    assert Report.objects.count() == 2


def test_staff_see_open_reports_and_hide_the_post_in_the_admin(
    seeker, other_seeker, staff_with_mfa, client
):
    thread = thread_by(seeker, title="Reported thread")
    services.report_post(reporter=other_seeker, post=thread, reason="spam", note="An ad")
    admin = _admin(staff_with_mfa)

    reports = admin.get("/admin/community/report/")
    assert reports.status_code == 200 and "Reported thread" in reports.content.decode()
    threads = admin.get("/admin/community/thread/?reported=open")
    assert "Reported thread" in threads.content.decode()

    response = admin.post(
        "/admin/community/thread/",
        {"action": "hide", "_selected_action": [thread.pk], "reason": "Advertising"},
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.is_hidden and thread.hidden_by == staff_with_mfa
    assert thread.hidden_reason == "Advertising"
    assert Report.objects.get().resolved_by == staff_with_mfa  # dealt with by hiding
    assert client.get(f"/community/{thread.pk}/").status_code == 404

    admin.post(
        "/admin/community/thread/", {"action": "show_again", "_selected_action": [thread.pk]}
    )
    assert client.get(f"/community/{thread.pk}/").status_code == 200


def test_staff_hide_from_the_report_and_mark_reports_dealt_with(
    seeker, other_seeker, staff_with_mfa, client
):
    thread = thread_by(seeker)
    comment = comment_by(seeker, thread, "Nasty words")
    services.report_post(reporter=other_seeker, post=comment, reason="abuse")
    other = services.report_post(reporter=other_seeker, post=thread, reason="other")
    admin = _admin(staff_with_mfa)
    report = Report.objects.get(comment=comment)
    admin.post(
        "/admin/community/report/", {"action": "hide_posts", "_selected_action": [report.pk]}
    )
    comment.refresh_from_db()
    assert comment.is_hidden
    assert "Nasty words" not in client.get(f"/community/{thread.pk}/").content.decode()
    admin.post(
        "/admin/community/report/", {"action": "mark_resolved", "_selected_action": [other.pk]}
    )
    other.refresh_from_db()
    assert other.resolved_at is not None and other.resolved_by == staff_with_mfa


def test_staff_delete_a_post_in_the_admin(seeker, other_seeker, staff_with_mfa, client):
    thread = thread_by(seeker)
    comment = comment_by(other_seeker, thread, "Delete me")
    admin = _admin(staff_with_mfa)
    response = admin.post(f"/admin/community/comment/{comment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Comment.objects.exists()
    thread.refresh_from_db()
    assert thread.comment_count == 0
    admin.post(f"/admin/community/thread/{thread.pk}/delete/", {"post": "yes"})
    assert not Thread.objects.exists()
    assert client.get(f"/community/{thread.pk}/").status_code == 404


def test_people_cannot_reach_the_moderation_admin(seeker_client):
    response = seeker_client.get("/admin/community/report/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
