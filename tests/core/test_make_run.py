"""`make run`'s process supervisor starts web, worker, beat and local test payments, and
Ctrl-C stops them all."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ..utils import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


@pytest.mark.worker
def test_ctrl_c_stops_web_worker_beat_and_local_payments_cleanly(tmp_path, migrated_sqlite):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "DEBUG"}
        and not k.startswith("STRIPE_")
    }
    env.update(
        JOBLETTERS_VAR_DIR=str(tmp_path / "var"),
        PORT=str(_free_port()),
        # What make run sets without Stripe keys.
        LOCAL_TEST_PAYMENTS="true",
        LOCAL_STRIPE_PORT=str(_free_port()),
        # Procfile.dev runs the `python` first on PATH: here, the one running the tests.
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    if migrated_sqlite:  # what `migrate` would write (34,000 places): copied, not redone
        (tmp_path / "var").mkdir()
        shutil.copyfile(migrated_sqlite, tmp_path / "var" / "db.sqlite3")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, check=True, timeout=300,
    )  # fmt: skip
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "-f", "Procfile.dev"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{env['PORT']}/healthz"
        assert wait_until(lambda: _answers(url), timeout=60), log.read_text()
        assert wait_until(lambda: " ready." in log.read_text(), timeout=60), log.read_text()
        assert wait_until(lambda: "beat: Starting" in log.read_text(), timeout=60)
        stripe = f"http://127.0.0.1:{env['LOCAL_STRIPE_PORT']}/pay/cs_unknown"
        assert wait_until(lambda: _status(stripe) == 404, timeout=60), log.read_text()

        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = log.read_text()
    assert "Segmentation fault" not in output
    assert "Traceback" not in output
    for name in ("web", "worker", "beat", "stripe"):
        assert f"{name}.1 stopped" in output
    # Nothing of the group is left running.
    leftover = subprocess.run(
        ["pgrep", "-g", str(proc.pid)], capture_output=True, text=True, check=False
    )
    assert leftover.stdout.strip() == ""


@pytest.mark.parametrize(
    ("extra", "local"),
    [
        ({}, True),
        ({"STRIPE_SECRET_KEY": "sk_test_from_stripe"}, False),
        ({"DEBUG": "false"}, False),
    ],
)
def test_make_run_takes_local_test_payments_only_without_stripe_keys_and_with_debug(extra, local):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "LOCAL_", "DEBUG"))}
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    (start,) = [line for line in dry_run.stdout.splitlines() if "honcho start" in line]
    start, quiet_on_ctrl_c = start.split(" || ")
    assert quiet_on_ctrl_c.strip() == "test $? -eq 130"  # Ctrl-C is no error for make
    assert "PORT=8123 SITE_URL=http://127.0.0.1:8123 " in start
    assert "LOCAL_STRIPE_PORT=8124" in start
    assert (f"LOCAL_TEST_PAYMENTS={'true' if local else 'false'}") in start
    # Without local test payments the stand-in is not started at all.
    assert start.rstrip().endswith("Procfile.dev" if local else "Procfile.dev web worker beat")
