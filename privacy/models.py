from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from .policy_text import PolicyBlock, parse_policy


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    def in_force(self) -> PolicyVersionQuerySet:
        return self.filter(effective_at__lte=timezone.now())

    def current(self) -> PolicyVersion | None:
        return self.in_force().order_by("-version").first()


class PolicyVersion(models.Model):
    """One published version of the privacy policy, stored as data (never edited in place)."""

    version = models.PositiveIntegerField(unique=True)
    effective_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    changelog = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ("-version",)
        get_latest_by = "version"

    def __str__(self) -> str:
        return f"Privacy policy v{self.version}"

    @cached_property
    def blocks(self) -> list[PolicyBlock]:
        return parse_policy(self.text)
