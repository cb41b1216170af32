"""jobletters.lib.sandbox: a child process under hard limits, whatever the function does."""

from __future__ import annotations

import os
import threading
import uuid

import pytest

from jobletters.lib import sandbox

TARGETS = "tests.core.sandbox_targets"
LIMITS = sandbox.Limits(
    memory_bytes=256 * 1024 * 1024, cpu_seconds=5, wall_seconds=8, output_bytes=1024 * 1024
)


def _run(name: str, data: bytes = b"hello", **kwargs):
    return sandbox.run(f"{TARGETS}:{name}", data, limits=LIMITS, **kwargs)


def test_returns_the_functions_bytes_and_what_the_child_used():
    result = _run("echo", args={"suffix": "!"})
    assert result.output == b"HELLO!"  # stray prints went elsewhere
    assert 0 < result.peak_memory_bytes < LIMITS.memory_bytes
    assert result.wall_seconds < LIMITS.wall_seconds


def test_the_child_gets_no_secrets_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://secret@db/prod")
    names = _run("environment").output.decode().split()
    assert "DATABASE_URL" not in names
    assert set(names) <= {"PATH", "LANG", "MALLOC_ARENA_MAX", "LC_CTYPE"}


def test_memory_limit():
    with pytest.raises(sandbox.LimitExceeded) as caught:
        _run("hog_memory")
    assert caught.value.limit == "memory"
    assert caught.value.peak_memory_bytes <= LIMITS.memory_bytes


def test_cpu_limit():
    # A generous wall clock: on a busy machine CPU seconds come slower than real ones.
    limits = sandbox.Limits(
        memory_bytes=LIMITS.memory_bytes, cpu_seconds=1, wall_seconds=120, output_bytes=1024
    )
    with pytest.raises(sandbox.LimitExceeded) as caught:
        sandbox.run(f"{TARGETS}:spin", b"", limits=limits)
    assert caught.value.limit == "cpu"


def test_peak_memory_is_the_childs_own_even_when_the_parent_is_large():
    ballast = bytearray(300 * 1024 * 1024)  # the kernel's ru_maxrss would include this
    ballast[::4096] = b"x" * len(ballast[::4096])
    result = _run("echo")
    assert result.peak_memory_bytes < 200 * 1024 * 1024
    del ballast


def test_wall_clock_limit_kills_the_whole_process_group():
    # A marker of this run in the child's command line (the grandchild inherits it), so
    # that another test run on the same machine cannot be mistaken for a leftover.
    marker = uuid.uuid4().hex
    with pytest.raises(sandbox.LimitExceeded) as caught:
        _run("sleep", args={"marker": marker})
    assert caught.value.limit == "wall"
    # The grandchild it forked is gone too (its group was killed).
    leftovers = [pid for pid in os.listdir("/proc") if pid.isdigit() and marker in _cmdline(pid)]
    assert leftovers == []


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().decode(errors="replace")
    except OSError:
        return ""


def test_output_limit():
    with pytest.raises(sandbox.LimitExceeded) as caught:
        _run("write_too_much")
    assert caught.value.limit == "output"


def test_an_exception_in_the_function_is_reported_not_raised_as_is():
    with pytest.raises(sandbox.ChildFailed, match="this input is not what I expected"):
        _run("fail")


def test_works_from_a_thread_like_a_worker_pool():
    results: list[bytes] = []
    thread = threading.Thread(target=lambda: results.append(_run("echo").output))
    thread.start()
    thread.join(timeout=30)
    assert results == [b"HELLO"]
