"""Real worker processes: what their logs say, and what a SIGKILL mid-task does."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jobletters import outbox
from jobletters.models import OutboxEntry

from .. import worker_tasks
from ..utils import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _state(entry: OutboxEntry) -> str:
    return OutboxEntry.objects.get(pk=entry.pk).state


def test_worker_logs_task_lines_and_never_personal_data(worker_process):
    worker_process.start()
    entry = outbox.defer("tests.log_personal_data", {"case": "log"})
    assert wait_until(lambda: _state(entry) == "failed", timeout=30), worker_process.log()
    worker_process.stop()
    log = worker_process.log()

    # Operators can follow the work: task names, ids and outcomes.
    assert "jobletters.tasks.run_outbox_entry[" in log
    assert "received" in log.lower()
    assert f"outbox: running kind=tests.log_personal_data id={entry.pk}" in log
    assert "ValueError" in log and "Traceback" in log  # the traceback is there...
    # ...and neither it nor the log line carries the person's data or the token.
    for secret in (
        worker_tasks.PERSONAL_EMAIL,
        worker_tasks.PERSONAL_IP,
        worker_tasks.SECRET_TOKEN,
    ):
        assert secret not in log
    assert "contacting [email] from [ip] with [token]" in log
    assert "could not reach [email] at [ip]" in log
    assert "{'case': 'log'}" not in log and "[" + str(entry.pk) + "]" not in log  # no arguments


def test_worker_logs_each_task_by_name_with_its_outcome_and_never_its_arguments(
    worker_process, tmp_path
):
    plain = worker_tasks.PLAIN_ARGUMENT
    worker_process.start()
    done = outbox.defer("tests.succeed", {"note": plain})
    retried = outbox.defer("tests.retry_once", {"marker": str(tmp_path / "marker"), "note": plain})
    worker_tasks.remember.delay(plain, also=plain)
    task_line = r"Task {name}\[[0-9a-f-]{{36}}\] {what}"

    def finished() -> bool:
        outbox.sweep()  # what beat does: hands the retried entry over again
        return (
            _state(done) == "done"
            and _state(retried) == "done"
            and re.search(
                task_line.format(name=r"tests\.worker_tasks\.remember", what="succeeded"),
                worker_process.log(),
            )
            is not None
        )

    assert wait_until(finished, timeout=60), worker_process.log()
    worker_process.stop()
    log = worker_process.log()

    # Each task by name and id: received, then its outcome.
    for name, outcome in (
        (r"tests\.worker_tasks\.remember", "'remembered'"),
        (r"jobletters\.tasks\.run_outbox_entry", "'done'"),
        (r"jobletters\.tasks\.run_outbox_entry", "'retry'"),
    ):
        assert re.search(task_line.format(name=name, what="received"), log), name
        assert re.search(
            task_line.format(name=name, what=r"succeeded in [0-9.e-]+s: " + outcome), log
        ), outcome
    # Outbox work by kind: running, then done or will retry.
    assert f"outbox: running kind=tests.succeed id={done.pk} attempt=1" in log
    assert f"outbox: done kind=tests.succeed id={done.pk}" in log
    assert f"outbox: kind=tests.retry_once id={retried.pk} will retry (attempt 1)" in log
    assert f"outbox: done kind=tests.retry_once id={retried.pk}" in log
    # Never the arguments, not even ones nothing would redact.
    assert plain not in log


def test_a_worker_killed_mid_task_completes_the_work_once_after_a_restart(worker_process, tmp_path):
    journal = tmp_path / "journal.txt"
    worker_process.start()
    entry = outbox.defer("tests.slow_journal", {"journal": str(journal), "seconds": 2})
    assert wait_until(lambda: journal.exists() and "start" in journal.read_text(), timeout=30)
    worker_process.kill()  # SIGKILL, mid-task: no acknowledgement, no cleanup
    assert _state(entry) == "running"
    # The dead worker's claim runs out (after its time limit and a margin, 11 s).
    OutboxEntry.objects.filter(pk=entry.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )

    worker_process.start()

    def finished() -> bool:
        outbox.sweep()  # what beat does every few seconds
        return _state(entry) == "done"

    assert wait_until(finished, timeout=60), worker_process.log()
    assert journal.read_text().splitlines().count("done") == 1
    done = OutboxEntry.objects.get(pk=entry.pk)
    assert done.attempts == 2
    assert done.finished_at - done.created_at < timedelta(minutes=1)
    assert done.finished_at <= timezone.now()
