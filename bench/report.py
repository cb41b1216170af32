"""``make bench``: every benchmark of bench/, then docs/benchmarks.md from what they printed.

Runs each script of ``BENCHES`` with sizes that finish in minutes on a 2-core machine,
showing its output as it comes, and writes ``docs/benchmarks.md``: the machine (cores,
CPU model, Python, PostgreSQL), the commit, each benchmark's output verbatim (every
ratio against the baseline it measured in the same run), then the last results of the
slower targets kept in ``bench/results/*.md`` (``make load``, and any other target
that writes there), verbatim. What a person found reading a benchmark (a profiled
cause) is kept in ``bench/notes/<name>.md`` and shown under its output. The README's
figures are taken from that file, and tests/core/test_readme_figures.py fails on a
figure the README quotes that it lacks.

    .venv/bin/python bench/report.py [--only packets.py,erasure.py]

With ``--only``, the other benchmarks' sections of the existing report are kept.

Defaults: PostgreSQL database ``jl_bench`` (``jl_bench_directory`` for the two that
rebuild the recruiter directory), Redis DBs 14 and 15; ``DATABASE_URL``, ``REDIS_URL``
and ``CACHE_URL`` override them. A benchmark that fails is reported as failed, the
others still run, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "bench" / "results"
# What a person found reading a benchmark's figures (a profile, a cause): bench/notes/<name>.md,
# shown under that benchmark's output.
NOTES = ROOT / "bench" / "notes"

# (script, arguments, database suffix): the directory benchmarks empty and rebuild the
# recruiter directory, so they get a database of their own.
BENCHES = [
    ("db_pool.py", [], ""),
    ("autocomplete.py", ["--rounds", "10"], ""),
    ("cv_check.py", ["--repeat", "2"], ""),
    ("export.py", ["--scales", "1,4"], ""),
    ("directory_import.py", ["--recruiters", "20000", "--rounds", "1"], "_directory"),
    ("matching.py", ["--recruiters", "20000", "--seekers", "20", "--rounds", "5"], "_directory"),
    ("pages.py", ["--in-process", "--rounds", "3", "--requests", "30"], ""),
    ("packets.py", ["--packets", "1000"], ""),
    ("erasure.py", ["--sends", "300", "--cvs", "5", "--days", "730"], ""),
]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jl_bench")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/15")
    return env


def _with_database(env: dict[str, str], suffix: str) -> dict[str, str]:
    """The environment with the database renamed, created and migrated when new."""
    if not suffix:
        return env
    parts = urlsplit(env["DATABASE_URL"])
    url = parts._replace(path=parts.path + suffix).geturl()
    import psycopg

    name = parts.path.lstrip("/") + suffix
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**env, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
        check=True,
    )  # fmt: skip
    return env


def _run(script: str, args: list[str], env: dict[str, str]) -> tuple[int, str]:
    print(f"== bench/{script} {' '.join(args)}", flush=True)
    process = subprocess.Popen(
        [sys.executable, f"bench/{script}", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return process.wait(), "".join(lines)


def _machine(env: dict[str, str]) -> list[str]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    try:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], connect_timeout=5) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:
        postgres = f"not reachable ({exc.__class__.__name__})"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return [
        f"- Machine: {os.cpu_count()} cores, {model}, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, PostgreSQL {postgres}",
        f"- Commit: `{commit}`" + (" (with uncommitted changes)" if dirty else ""),
        f"- Load average when the run ended: {os.getloadavg()[0]:.1f} "
        "(the machine is shared: every figure is a ratio to a baseline of the same run)",
    ]


def _sections(doc: str) -> dict[str, str]:
    """Each benchmark's section of a report (its output, without its notes), by script."""
    found = {}
    for part in re.split(r"^(?=## bench/|# )", doc, flags=re.M):
        output = re.match(
            r"## bench/[^\n]*\n\n```text\n.*?\n```(?:\n\nFailed \(exit status \d+\)\.)?", part, re.S
        )
        if output:
            found[part.split()[1].removeprefix("bench/")] = output.group(0)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated scripts to run")
    args = parser.parse_args()
    wanted = set(filter(None, args.only.split(",")))
    env = _environment()
    started = datetime.datetime.now(datetime.UTC)
    sections, failed = [], []
    kept = _sections(DOC.read_text()) if wanted and DOC.exists() else {}
    for script, arguments, suffix in BENCHES:
        note = NOTES / f"{Path(script).stem}.md"
        notes = f"\n\n{note.read_text().rstrip()}" if note.exists() else ""
        if wanted and script not in wanted:
            if script in kept:
                sections.append(kept[script] + notes + "\n")
            continue
        status, output = _run(script, arguments, _with_database(env, suffix))
        if status:
            failed.append(script)
        title = f"## bench/{script} {' '.join(arguments)}".rstrip()
        verdict = f"\n\nFailed (exit status {status})." if status else ""
        sections.append(f"{title}\n\n```text\n{output.rstrip()}\n```{verdict}{notes}\n")
    slower = []
    for path in sorted(RESULTS.glob("*.md")):
        # Verbatim, each heading one level down so it sits under this page's heading.
        text = "\n".join(
            "#" + line if line.startswith("#") else line
            for line in path.read_text().rstrip().splitlines()
        )
        slower.append(f"From `bench/results/{path.name}`:\n\n{text}\n")
    DOC.write_text(
        "\n".join(
            [
                "# Benchmarks",
                "",
                f"Written by `make bench` (bench/report.py) on {started:%Y-%m-%d %H:%M} UTC. "
                "Each benchmark prints ratios against a baseline measured in the same run; "
                "times alone say little on a shared machine. The README's figures come "
                "from this page.",
                "",
                *_machine(env),
                "",
                *sections,
                "# The slower targets (their last results)",
                "",
                *(slower or ["None yet: `make load` writes bench/results/load.md.\n"]),
            ]
        )
    )
    print(f"wrote {DOC.relative_to(ROOT)}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
