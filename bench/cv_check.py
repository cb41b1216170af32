"""The deep CV check (profiles.cv_checks) in its sandboxed child, as a worker runs it.

For a normal 2-page CV (the baseline), a 300-page CV and decompression bombs
(the largest shapes the tests use, made bigger), prints the check's wall time,
the child's CPU time and its peak resident memory (VmHWM, reported by the child
itself), each as a ratio to the baseline measured in the same run, and shows
that every bomb is refused with a peak under the configured memory limit.

    .venv/bin/python bench/cv_check.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

MB = 1024 * 1024


def _cases() -> list[tuple[str, bytes]]:
    from tests.profiles import builders

    return [
        ("normal CV, 2 pages", builders.pdf_with_links()),
        ("long CV, 300 pages", builders.long_pdf(300)),
        ("bomb: Flate twice, 1 GB", builders.bomb_nested_filters(1024 * MB)),
        ("bomb: 8 object streams x 70 MB", builders.bomb_in_object_streams(70 * MB, count=8)),
        ("bomb: page content, 512 MB", builders.bomb_in_page_contents(512 * MB)),
    ]


def _measure(data: bytes, repeat: int) -> tuple[float, float, int, str]:
    from jobletters.lib import sandbox
    from profiles.cv_checks import runner
    from profiles.cv_checks.deep import parse_report

    walls, cpus, peaks, verdict = [], [], [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            result = sandbox.run(
                runner.DEEP_CHECK,
                data,
                limits=runner.limits(),
                args={"kind": "pdf", "caps": runner.caps().as_dict()},
            )
        except sandbox.LimitExceeded as exc:
            walls.append(time.perf_counter() - started)
            cpus.append(0.0)
            peaks.append(exc.peak_memory_bytes)
            verdict = f"killed ({exc.limit} limit)"
            continue
        walls.append(time.perf_counter() - started)
        cpus.append(result.cpu_seconds)
        peaks.append(result.peak_memory_bytes)
        report = parse_report(result.output)
        verdict = report.verdict + (f" ({report.code})" if report.code else "")
    return statistics.median(walls), statistics.median(cpus), max(peaks), verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    limit = settings.CV_CHECK_MEMORY_BYTES
    print(
        f"limits: memory {limit // MB} MB, CPU {settings.CV_CHECK_CPU_SECONDS} s, "
        f"wall {settings.CV_CHECK_WALL_SECONDS} s, "
        f"decompressed {settings.CV_CHECK_MAX_DECOMPRESSED_BYTES // MB} MB; "
        f"median of {args.repeat} runs, peak = max"
    )
    header = (
        f"{'file':34} {'size':>9} {'wall s':>7} {'x':>6} {'cpu s':>6} "
        f"{'peak MB':>8} {'x':>5}  result"
    )
    print(header)
    print("-" * len(header))
    baseline: tuple[float, int] | None = None
    over_limit = []
    for name, data in _cases():
        wall, cpu, peak, verdict = _measure(data, args.repeat)
        if baseline is None:
            baseline = (wall, peak)
        print(
            f"{name:34} {len(data) / 1024:>7.0f}KB {wall:>7.2f} {wall / baseline[0]:>5.1f}x "
            f"{cpu:>6.2f} {peak / MB:>8.1f} {peak / baseline[1]:>4.1f}x  {verdict}"
        )
        if name.startswith("bomb") and (peak >= limit or not verdict.startswith("refused")):
            over_limit.append(name)
    if over_limit:
        print(f"NOT BOUNDED: {', '.join(over_limit)}")
        sys.exit(1)
    print(f"every bomb was refused with a peak under the {limit // MB} MB limit")


if __name__ == "__main__":
    main()
