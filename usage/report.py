"""What the staff page shows: page timings per view and per hour, drawn as an SVG chart.

The chart is plain SVG written by the server (no script, no chart library): one
bar per hour for the average time, a mark for the slowest-5% bound, and a table
with the same numbers for screen readers and for reading exact values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Sum
from django.utils import timezone

from .models import BUCKET_FIELDS, TIMING_BOUNDS_MS, PageTiming, SignUpSource

PERIODS = {"24h": 24, "7d": 24 * 7, "30d": 24 * 30}
ALL_VIEWS = ""


@dataclass(frozen=True)
class Line:
    """Timings added up over a group of rows (a view, or an hour)."""

    label: str
    requests: int
    errors: int
    total_ms: float
    max_ms: float
    buckets: tuple[int, ...]

    @property
    def average_ms(self) -> float:
        return self.total_ms / self.requests if self.requests else 0.0

    @property
    def p95_ms(self) -> float | None:
        """The histogram bound under which 95% of requests answered (None: slower than all)."""
        return percentile_bound(self.buckets, 0.95)


def percentile_bound(buckets: tuple[int, ...], share: float) -> float | None:
    total = sum(buckets)
    if not total:
        return 0.0
    seen = 0
    for index, count in enumerate(buckets):
        seen += count
        if seen >= share * total:
            return float(TIMING_BOUNDS_MS[index]) if index < len(TIMING_BOUNDS_MS) else None
    return None


def _sums() -> dict:
    return {
        "requests_sum": Sum("requests"),
        "errors_sum": Sum("errors"),
        "total_sum": Sum("total_ms"),
        "max_max": Max("max_ms"),
        **{f"{name}_sum": Sum(name) for name in BUCKET_FIELDS},
    }


def _line(label: str, row: dict) -> Line:
    return Line(
        label=label,
        requests=row["requests_sum"] or 0,
        errors=row["errors_sum"] or 0,
        total_ms=row["total_sum"] or 0.0,
        max_ms=row["max_max"] or 0.0,
        buckets=tuple(row[f"{name}_sum"] or 0 for name in BUCKET_FIELDS),
    )


@dataclass(frozen=True)
class Bar:
    hour: datetime
    line: Line
    x: float
    width: float
    y: float
    height: float
    p95_y: float | None
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    top: int
    bottom: int
    left: int
    scale_ms: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, "250 ms")
    hour_labels: list[tuple[float, str]]  # (x, "14:00")


@dataclass(frozen=True)
class Report:
    hours: int
    view: str
    views: list[Line]
    per_hour: list[Line]
    chart: Chart
    view_names: list[str]
    referrers: list[tuple[str, int]]


def build_report(*, hours: int, view: str = ALL_VIEWS, now: datetime | None = None) -> Report:
    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(hours=hours - 1)
    rows = PageTiming.objects.filter(hour__gte=start, hour__lte=end)
    views = [
        _line(row["view_name"], row)
        for row in rows.values("view_name").annotate(**_sums()).order_by("-total_sum")[:100]
    ]
    chosen = rows.filter(view_name=view) if view else rows
    by_hour = {row["hour"]: _line("", row) for row in chosen.values("hour").annotate(**_sums())}
    empty = Line(
        label="", requests=0, errors=0, total_ms=0, max_ms=0, buckets=(0,) * len(BUCKET_FIELDS)
    )
    per_hour = []
    for n in range(hours):
        hour = start + timedelta(hours=n)
        line = by_hour.get(hour, empty)
        per_hour.append(
            Line(
                label=hour.strftime("%Y-%m-%d %H:00"),
                requests=line.requests,
                errors=line.errors,
                total_ms=line.total_ms,
                max_ms=line.max_ms,
                buckets=line.buckets,
            )
        )
    names = sorted(
        PageTiming.objects.filter(hour__gte=start).values_list("view_name", flat=True).distinct()
    )
    referrers = list(
        SignUpSource.objects.values("referrer_host")
        .annotate(n=Count("pk"))
        .order_by("-n", "referrer_host")
        .values_list("referrer_host", "n")[:20]
    )
    return Report(
        hours=hours,
        view=view,
        views=views,
        per_hour=per_hour,
        chart=_chart(start, per_hour),
        view_names=names,
        referrers=referrers,
    )


def _nice_ceiling(value: float) -> float:
    for step in (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000):
        if value <= step:
            return float(step)
    return float(int(value / 10000 + 1) * 10000)


def _chart(start: datetime, per_hour: list[Line]) -> Chart:
    width, height, top, bottom, left, right = 720, 240, 12, 28, 56, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max(
        [line.average_ms for line in per_hour]
        + [p for line in per_hour if (p := line.p95_ms) is not None],
        default=0,
    )
    scale = _nice_ceiling(highest or 10)
    slot = plot_w / max(len(per_hour), 1)
    bars = []
    for n, line in enumerate(per_hour):
        h = plot_h * min(line.average_ms / scale, 1)
        p95 = line.p95_ms
        p95_y = top + plot_h * (1 - min((p95 if p95 is not None else scale) / scale, 1))
        label = (
            f"{line.label}: {line.requests} requests, average {line.average_ms:.0f} ms, "
            f"95% under {_ms_words(p95)}"
            if line.requests
            else f"{line.label}: no requests"
        )
        bars.append(
            Bar(
                hour=start + timedelta(hours=n),
                line=line,
                x=round(left + n * slot + slot * 0.1, 2),
                width=round(max(slot * 0.8, 1), 2),
                y=round(top + plot_h - h, 2),
                height=round(h, 2),
                p95_y=round(p95_y, 2) if line.requests else None,
                label=label,
            )
        )
    ticks = [
        (round(top + plot_h * (1 - f), 2), f"{scale * f:.0f} ms") for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    every = max(len(per_hour) // 8, 1)
    hour_labels = [
        (round(left + n * slot + slot / 2, 2), _hour_label(start + timedelta(hours=n), every))
        for n in range(0, len(per_hour), every)
    ]
    return Chart(
        width=width,
        height=height,
        top=top,
        bottom=height - bottom,
        left=left,
        scale_ms=scale,
        bars=bars,
        ticks=ticks,
        hour_labels=hour_labels,
    )


def _hour_label(hour: datetime, every: int) -> str:
    return hour.strftime("%H:00") if every < 24 else hour.strftime("%d %b")


def _ms_words(value: float | None) -> str:
    return f"{value:.0f} ms" if value is not None else f"more than {TIMING_BOUNDS_MS[-1]} ms"
