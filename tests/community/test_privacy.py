"""§2.5 in the registry: export, erasure (posts stay as "deleted user"), the inventory."""

from __future__ import annotations

import pytest

from community import services
from community.models import Comment, Report, Thread
from jobletters import outbox
from privacy.registry.declarations import Erasure, declaration_for
from privacy.rights.erasure import erase_person
from tests.utils import remains_of

from .builders import city, comment_by, thread_by

pytestmark = pytest.mark.django_db


def _export(model, user) -> list[dict]:
    return declaration_for(model).export(user)


def test_the_export_holds_the_persons_posts_and_reports_only(seeker, other_seeker, staff):
    mine = thread_by(seeker, title="Leeds tips", place=city("Leeds"))
    comment_by(seeker, mine, "My own answer")
    theirs = thread_by(other_seeker, title="Their thread")
    comment_by(other_seeker, mine, "Their reply")
    services.report_post(reporter=seeker, post=theirs, reason="spam", note="An advert")
    services.hide_post(post=mine, staff=staff, reason="Duplicate")

    [thread] = _export(Thread, seeker)
    assert thread["title"] == "Leeds tips" and "Leeds" in thread["place"]
    assert thread["hidden_reason"] == "Duplicate"  # they see why it was hidden
    [comment] = _export(Comment, seeker)
    assert "My own answer" in comment["body"]
    [report] = _export(Report, seeker)
    assert (report["reason"], report["note"]) == ("spam", "An advert")
    assert [t["title"] for t in _export(Thread, other_seeker)] == ["Their thread"]
    # The moderator's own export says what they hid, not whose it was.
    [acted] = list(declaration_for(Thread).export_acted(staff))
    assert set(acted) == {"hidden_at"}


def test_erasure_keeps_posts_as_deleted_user_with_nothing_linking_them(
    seeker, other_seeker, client
):
    thread = thread_by(seeker, title="Interview tips")
    comment_by(other_seeker, thread, "Thanks, this helped")
    comment_by(seeker, thread, "Glad it did")
    theirs = thread_by(other_seeker, title="Their own")
    services.report_post(reporter=seeker, post=theirs, reason="other", note="I know them")

    erase_person(seeker.pk)
    outbox.run_due()

    assert remains_of(seeker.pk) == []
    thread.refresh_from_db()
    assert thread.author is None and thread.title == "Interview tips"
    assert Comment.objects.filter(author__isnull=True).count() == 1
    assert Comment.objects.filter(author=other_seeker).count() == 1  # others untouched
    report = Report.objects.get()
    assert report.reporter is None and report.note == "" and report.reason == "other"
    page = client.get(f"/community/{thread.pk}/").content.decode()
    assert "deleted user" in page and "Thanks, this helped" in page
    assert "Sam S." not in page


def test_the_public_inventory_says_what_happens_to_posts(client):
    page = client.get("/privacy/data/").content.decode()
    assert "Your community threads" in page and "Your community comments" in page
    assert "deleted user" in page
    declaration = declaration_for(Thread)
    assert declaration.erasure is Erasure.ANONYMISE
    assert declaration.section == "2.5"
