"""The README's figures are measured ones: each is in docs/benchmarks.md (`make bench`)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TIMES = "\u00d7"  # the multiplication sign of "0.31\u00d7"
# A ratio ("0.31\u00d7", "29x"), a duration in milliseconds ("p95 12.5 ms") or a rate.
FIGURE = re.compile(rf"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s?({TIMES}|x\b|ms\b|requests/s\b)")


def figures(text: str) -> list[tuple[str, str]]:
    return [(number, TIMES if unit == "x" else unit) for number, unit in FIGURE.findall(text)]


def _in_report(number: str, unit: str, report: str) -> bool:
    units = [TIMES, "x"] if unit == TIMES else [unit]
    return any(re.search(rf"(?<![\w.]){re.escape(number)}\s?{re.escape(u)}", report) for u in units)


def test_the_figure_pattern_finds_ratios_milliseconds_and_rates():
    text = f"0.31{TIMES} the minimal view; p95 12.5 ms; 29x less; 140 requests/s; 3 minutes"
    assert figures(text) == [
        ("0.31", TIMES), ("12.5", "ms"), ("29", TIMES), ("140", "requests/s"),
    ]  # fmt: skip


def test_every_figure_the_readme_quotes_is_in_the_benchmark_report():
    readme = (ROOT / "README.md").read_text()
    report = (ROOT / "docs" / "benchmarks.md").read_text()
    quoted = figures(readme)
    assert quoted, "the README quotes no measured figure: this test would check nothing"
    missing = [f"{n} {u}" for n, u in quoted if not _in_report(n, u, report)]
    assert not missing, (
        f"README quotes {missing}, not in docs/benchmarks.md: run `make bench` and take "
        "the figures from there"
    )
