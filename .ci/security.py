"""`make security`: bandit over the project's code, pip-audit over the pinned dependencies.

Prints a summary and writes it to bench/results/security.md. Fails on any medium or high
bandit finding (a `# nosec` needs its reason beside it) and on any known vulnerability;
when pip-audit cannot reach a vulnerability database it says so instead of passing quietly.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPORT = ROOT / "bench" / "results" / "security.md"
# The project's own code: every app (a folder with apps.py) and the project package.
CODE = [*sorted(p.parent.name for p in ROOT.glob("*/apps.py")), "config"]


def bandit() -> tuple[list[dict], dict, str]:
    out = subprocess.run(  # noqa: S603 (our own tool and arguments)
        [BIN / "bandit", "-q", "-r", *CODE, "-x", "*/migrations/*", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    serious = [r for r in data["results"] if r["issue_severity"] in ("MEDIUM", "HIGH")]
    low = Counter(r["test_id"] for r in data["results"] if r["issue_severity"] == "LOW")
    return (
        serious,
        data["metrics"]["_totals"],
        ", ".join(f"{k}: {n}" for k, n in sorted(low.items())),
    )


def pip_audit() -> tuple[list[dict], list[dict], str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write("\n".join(pins))
        requirements.flush()
        out = subprocess.run(  # noqa: S603 (our own tool and arguments)
            [BIN / "pip-audit", "-r", requirements.name, "--no-deps", "--disable-pip",
             "-s", "pypi", "-f", "json", "--progress-spinner", "off"],
            capture_output=True, text=True,
        )  # fmt: skip
    if not out.stdout.strip():
        return [], [], out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "no output"
    dependencies = json.loads(out.stdout)["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    return vulnerable, skipped, ""


def main() -> int:
    serious, totals, low = bandit()
    vulnerable, skipped, error = pip_audit()
    pins = len(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from PATH, as make's)
        cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    lines = [
        "# Security checks",
        "",
        f"`make security` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, "
        f"Python {platform.python_version()}.",
        "",
        "## bandit (the project's code)",
        "",
        f"- {int(totals['loc'])} lines in {', '.join(CODE)} (migrations excepted).",
        f"- Findings: {int(totals['SEVERITY.HIGH'])} high, {int(totals['SEVERITY.MEDIUM'])} "
        f"medium, {int(totals['SEVERITY.LOW'])} low ({low}); "
        f"{int(totals['skipped_tests'])} reviewed and marked `# nosec`, the reason beside each.",
    ]
    lines += [f"- {r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
              for r in serious]  # fmt: skip
    lines += ["", "## pip-audit (the pinned dependencies)", ""]
    if error:
        lines.append(f"- pip-audit did not run: {error}")
    elif skipped and len(skipped) >= pins:
        lines.append(
            f"- Not audited: no vulnerability database was reachable ({len(skipped)} pins "
            f'skipped: "{skipped[0]["skip_reason"]}"). This machine reaches only a mirror '
            "of the package index, which carries no vulnerability data, and not osv.dev; "
            "run `make security` where PyPI's JSON API or osv.dev answers."
        )
    else:
        lines.append(f"- {len(vulnerable)} of the pinned dependencies have known vulnerabilities.")
        lines += [f"  - {d['name']} {d['version']}: "
                  + ", ".join(v["id"] for v in d["vulns"]) for d in vulnerable]  # fmt: skip
        if skipped:
            lines.append(f"- {len(skipped)} could not be audited: "
                         + ", ".join(d["name"] for d in skipped))  # fmt: skip
    report = "\n".join(lines) + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report)
    print(report)
    return 1 if serious or vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
