"""Retention rules (§5): how long each kind of record is kept, in words and as a query.

A declaration's ``retention`` is a :class:`Retention` rule; ``Reduce`` rules keep less
of a row before it goes. ``privacy.tasks.run_retention`` enforces every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def duration_words(period: timedelta) -> str:
    days = period.days
    if days == 0:
        hours = period.seconds // 3600
        if hours:
            return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        return _("at once")
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return ngettext(
            "%(years)d year (%(days)d days)", "%(years)d years (%(days)d days)", years
        ) % {"years": years, "days": days}
    if days >= 365:
        return _("%(days)d days (about %(years)d years)") % {"days": days, "years": days // 365}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


@dataclass(frozen=True)
class Reduce:
    """Keep less of a row once it is old enough (data minimisation before deletion).

    Rows whose ``after`` time is more than ``days`` old and that match ``pending``
    (rows not reduced yet) get each of ``fields`` replaced by ``to(value)`` (``None``:
    emptied), plus the values in ``mark`` (e.g. a flag saying it was done). ``to``
    must give the same answer when applied twice. ``words`` say it to people.
    """

    days: float
    after: str
    fields: tuple[str, ...]
    words: str | Promise
    to: Callable[[Any], Any] | None = None
    pending: Q | None = None
    mark: Mapping[str, Any] = field(default_factory=dict)

    def apply(self, model: type[models.Model], now: datetime, *, batch: int = 1000) -> int:
        """Reduce every due row, in batches (bounded memory); returns how many."""
        done, last = 0, None
        names = [*self.fields, *self.mark]
        cutoff = now - timedelta(days=self.days)
        due = model._default_manager.filter(self.pending or Q(), **{f"{self.after}__lt": cutoff})
        due = due.only("pk", *self.fields).order_by("pk")
        while True:
            page = due.filter(pk__gt=last) if last is not None else due
            rows = list(page[:batch])
            if not rows:
                return done
            for row in rows:
                for name in self.fields:
                    value = getattr(row, name)
                    setattr(row, name, self.to(value) if self.to is not None else None)
                for name, value in self.mark.items():
                    setattr(row, name, value)
            model._default_manager.bulk_update(rows, names)
            done += len(rows)
            last = rows[-1].pk


@dataclass(frozen=True)
class Retention:
    """How long rows are kept: while the account exists, or a period after an event.

    ``period`` after the time held in ``after`` (a field name), for the rows that
    match ``where``; or ``enforce(now) -> int`` when an app's own service deletes
    what expired (and returns how many). ``event`` and ``note`` are the words.
    ``reduce`` rules keep less of each row before then (:class:`Reduce`).
    """

    period: timedelta | None = None
    after: str = ""
    event: str | Promise = ""
    where: Q | None = None
    enforce: Callable[[datetime], int] | None = None
    note: str | Promise = ""
    legal: bool = False
    reduce: tuple[Reduce, ...] = ()

    @classmethod
    def account(cls, note: str | Promise = "") -> Retention:
        """Kept as long as the account, erased with it."""
        return cls(note=note)

    @classmethod
    def after_event(
        cls,
        *,
        days: float = 0,
        field: str = "",
        event: str | Promise,
        where: Q | None = None,
        enforce: Callable[[datetime], int] | None = None,
        note: str | Promise = "",
        legal: bool = False,
        reduce: Iterable[Reduce] = (),
    ) -> Retention:
        return cls(
            period=timedelta(days=days),
            after=field,
            event=event,
            where=where,
            enforce=enforce,
            note=note,
            legal=legal,
            reduce=tuple(reduce),
        )

    @property
    def enforceable(self) -> bool:
        return self.period is not None and bool(self.after or self.enforce)

    def words(self) -> str:
        """In the active language."""
        if self.period is None:
            text = _("As long as you keep your account; erased when you delete it.")
        else:
            event = str(self.event)
            when = _("after %(event)s") % {"event": event} if event else _("after it was recorded")
            if self.period == timedelta(0):
                text = _("Deleted as soon as %(event)s.") % {
                    "event": event or _("it is no longer needed")
                }
            elif self.legal:
                text = _("Kept for %(duration)s %(when)s, as the law requires.") % {
                    "duration": duration_words(self.period),
                    "when": when,
                }
            else:
                text = _("Deleted %(duration)s %(when)s.") % {
                    "duration": duration_words(self.period),
                    "when": when,
                }
        text = " ".join([text, *(str(rule.words) for rule in self.reduce if rule.words)])
        return f"{text} {self.note}".strip()

    def __contains__(self, text: str) -> bool:
        return text in self.words()

    def expired(self, model: type[models.Model], now: datetime) -> models.QuerySet[Any]:
        """Rows past their period (for rules enforced by field, not by ``enforce``)."""
        assert self.period is not None and self.after
        return model._default_manager.filter(
            self.where or Q(), **{f"{self.after}__lt": now - self.period}
        )
