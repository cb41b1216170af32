"""Public discussion (policy §2.5): threads and comments by job seekers, with an optional
place tag (§2.8). Text is stored sanitised (``community.markup``); staff hide or delete
posts, people report them; an erased account's posts stay as by "deleted user".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taxonomy.models import Place

MAX_TITLE_CHARS = 150
MAX_THREAD_CHARS = 5000
MAX_COMMENT_CHARS = 3000


class Moderated(models.Model):
    """What threads and comments share: an author, text, edits, and being hidden."""

    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(
        _("why it was hidden"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the author, and only to them."),
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ThreadQuerySet(models.QuerySet["Thread"]):
    def visible_to(self, user: object) -> ThreadQuerySet:
        """What a reader may see: everything not hidden, and their own hidden threads."""
        if getattr(user, "is_authenticated", False):
            return self.filter(Q(hidden_at__isnull=True) | Q(author=user))
        return self.filter(hidden_at__isnull=True)


class Thread(Moderated):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_threads",
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE_CHARS)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # Visible comments, kept by community.services (the list shows it without counting).
    comment_count = models.PositiveIntegerField(default=0)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ("-last_activity_at", "-pk")
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="thread_recent"),
            models.Index(fields=["place", "-last_activity_at"], name="thread_place_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(Moderated):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_comments",
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["thread", "created_at", "id"], name="comment_in_thread")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on “{self.thread_id}”"


class Report(models.Model):
    """Someone told staff a thread or a comment breaks the rules."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive, hateful or harassing")
        PERSONAL = "personal", _("Shares someone's personal information")
        ILLEGAL = "illegal", _("Illegal or a scam")
        OTHER = "other", _("Something else")

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("anything to add"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("dealt with at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("resolved_at", "-created_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, comment__isnull=True)
                | Q(thread__isnull=True, comment__isnull=False),
                name="report_names_one_post",
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "-created_at"], name="report_open")]

    def __str__(self) -> str:
        return f"Report {self.pk}: {self.get_reason_display()}"

    @property
    def post(self) -> Thread | Comment | None:
        return self.thread if self.thread_id else self.comment
