"""Community services: writing, editing, deleting, reporting and moderating posts.

Every change goes through here. Views reach posts only through the ``*_for``
helpers at the bottom: another person's post is a 404, a hidden one exists only
for its author.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.rights import freeze
from taxonomy.models import Place

from . import markup
from .models import MAX_COMMENT_CHARS, MAX_THREAD_CHARS, MAX_TITLE_CHARS, Comment, Report, Thread

Post = Thread | Comment


class Refused(Exception):
    """The person may not do this now; the message says why, in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_may_post(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Refused(_("Sign in to write in the community."))
    if freeze.is_frozen(user):
        raise Refused(
            _(
                "Your account is waiting to be deleted, so you cannot write in the community. "
                "Cancel the deletion to write again."
            )
        )


def _clean_text(text: str, *, limit: int) -> str:
    body = markup.sanitise(text)
    length = markup.plain_length(body)
    if not length:
        raise Refused(_("Write something first."))
    if length > limit:
        raise Refused(_("Keep it under %(n)d characters.") % {"n": limit})
    return body


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise Refused(_("Give your thread a title."))
    return title[:MAX_TITLE_CHARS]


def start_thread(*, author: Any, title: str, body: str, place: Place | None = None) -> Thread:
    check_may_post(author)
    return Thread.objects.create(
        author=author,
        title=_clean_title(title),
        body=_clean_text(body, limit=MAX_THREAD_CHARS),
        place=place,
    )


def add_comment(*, author: Any, thread: Thread, body: str) -> Comment:
    check_may_post(author)
    if thread.is_hidden:
        raise Refused(_("This thread is hidden by our moderators: it takes no new comments."))
    text = _clean_text(body, limit=MAX_COMMENT_CHARS)
    with transaction.atomic():
        comment = Comment.objects.create(thread=thread, author=author, body=text)
        _count_comment(comment, +1, last_activity_at=comment.created_at)
    return comment


def _count_comment(comment: Comment, change: int, **fields: Any) -> None:
    """The thread's count of visible comments (never below zero)."""
    threads = Thread.objects.filter(pk=comment.thread_id, comment_count__gte=-change)
    threads.update(comment_count=F("comment_count") + change, **fields)


def edit_thread(*, thread: Thread, title: str, body: str, place: Place | None) -> Thread:
    check_may_post(thread.author)
    thread.title = _clean_title(title)
    thread.body = _clean_text(body, limit=MAX_THREAD_CHARS)
    thread.place = place
    thread.edited_at = timezone.now()
    thread.save(update_fields=["title", "body", "place", "edited_at"])
    return thread


def edit_comment(*, comment: Comment, body: str) -> Comment:
    check_may_post(comment.author)
    comment.body = _clean_text(body, limit=MAX_COMMENT_CHARS)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def delete_thread(*, thread: Thread) -> None:
    """The thread and every comment on it go (its author's or staff's decision)."""
    thread.delete()


def delete_comment(*, comment: Comment) -> None:
    with transaction.atomic():
        if not comment.is_hidden:
            _count_comment(comment, -1)
        comment.delete()


def report_post(*, reporter: Any, post: Post, reason: str, note: str = "") -> Report:
    """Tell staff about a post; one open report per person and post (a repeat is the same)."""
    if reason not in Report.Reason.values:
        raise Refused(_("Choose a reason."))
    with transaction.atomic():
        existing = _reports_on(post).filter(reporter=reporter, resolved_at__isnull=True).first()
        if existing is not None:
            return existing
        field = "thread" if isinstance(post, Thread) else "comment"
        return Report.objects.create(
            reporter=reporter, reason=reason, note=" ".join(note.split())[:500], **{field: post}
        )


def hide_post(*, post: Post, staff: Any, reason: str = "") -> None:
    """Invisible to everyone but its author, who sees ``reason``."""
    if post.is_hidden:
        return
    with transaction.atomic():
        type(post).objects.filter(pk=post.pk).update(
            hidden_at=timezone.now(), hidden_by=staff, hidden_reason=reason[:300]
        )
        if isinstance(post, Comment):
            _count_comment(post, -1)
        resolve_reports(reports=_reports_on(post), staff=staff)
    post.refresh_from_db()


def show_post(*, post: Post) -> None:
    if not post.is_hidden:
        return
    with transaction.atomic():
        type(post).objects.filter(pk=post.pk).update(
            hidden_at=None, hidden_by=None, hidden_reason=""
        )
        if isinstance(post, Comment):
            _count_comment(post, +1)
    post.refresh_from_db()


def resolve_reports(*, reports: QuerySet[Report], staff: Any) -> int:
    return reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=staff
    )


def _reports_on(post: Post) -> QuerySet[Report]:
    if isinstance(post, Thread):
        return Report.objects.filter(thread=post)
    return Report.objects.filter(comment=post)


def thread_for_reader(user: Any, pk: int) -> Thread:
    """A thread the reader may see (a hidden one only by its author), or 404."""
    return get_object_or_404(
        Thread.objects.visible_to(user).select_related("author", "place"), pk=pk
    )


def own_thread(user: Any, pk: int) -> Thread:
    return get_object_or_404(Thread.objects.select_related("place"), pk=pk, author=user)


def own_comment(user: Any, pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("thread"), pk=pk, author=user)


def comments_for_reader(user: Any, thread: Thread) -> QuerySet[Comment]:
    comments = thread.comments.select_related("author")
    if getattr(user, "is_authenticated", False):
        return comments.filter(Q(hidden_at__isnull=True) | Q(author=user))
    return comments.filter(hidden_at__isnull=True)


def comment_for_reader(user: Any, pk: int) -> Comment:
    """A comment the reader may see, on a thread they may see, or 404."""
    comment = get_object_or_404(Comment.objects.select_related("thread"), pk=pk)
    visible_thread = Thread.objects.visible_to(user).filter(pk=comment.thread_id).exists()
    own = getattr(user, "is_authenticated", False) and comment.author_id == user.pk
    if not visible_thread or (comment.is_hidden and not own):
        raise Http404
    return comment


def public_name(user: Any) -> str:
    """How an author appears: first name and initial ("Sam S."); "deleted user" once erased."""
    if user is None:
        return _("deleted user")
    words = (user.name or "").split()
    if not words:
        return _("A member")
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][0]}."
