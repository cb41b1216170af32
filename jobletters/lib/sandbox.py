"""Run a function on untrusted input in a fresh child process under hard limits.

Parsing a file someone uploaded can take unbounded memory and time (a
decompression bomb, a parser bug). :func:`run` calls ``module:function`` in a
new Python interpreter that first lowers its own resource limits with
``setrlimit``: address space (memory), CPU seconds, size of any file it writes
(its output), open files, and no core dumps. The parent kills the child's whole
process group when a wall-clock timeout passes, and learns the child's peak
memory and CPU time from the kernel (``wait4``), not from the child.

A fresh interpreter (``subprocess``, not ``multiprocessing``) works wherever
the caller runs: in a Celery prefork child (daemonic processes may not have
multiprocessing children), in a worker thread, in a web request or a test. The
child inherits no environment variables besides ``PATH`` and locale, so no
secret (database URL, storage keys) is within its reach, and it reads its
input from and writes its output to files, never the network or the database.

This module is also the child's entry point (run as a script), so it imports
only the standard library at the top.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Exit codes the child uses to say which limit it hit before the kernel did.
_EXIT_MEMORY = 86
_EXIT_ERROR = 87
_EXIT_OUTPUT = 88
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Limits:
    memory_bytes: int  # RLIMIT_AS: address space, an upper bound of resident memory
    cpu_seconds: int  # RLIMIT_CPU
    wall_seconds: float  # killed by the parent after this long, whatever it is doing
    output_bytes: int  # RLIMIT_FSIZE: no file the child writes may grow past this
    open_files: int = 64  # RLIMIT_NOFILE


@dataclass(frozen=True)
class Result:
    output: bytes
    peak_memory_bytes: int
    cpu_seconds: float
    wall_seconds: float


class SandboxError(Exception):
    """The child did not return a result."""

    def __init__(self, message: str, *, peak_memory_bytes: int = 0, wall_seconds: float = 0.0):
        super().__init__(message)
        self.peak_memory_bytes = peak_memory_bytes
        self.wall_seconds = wall_seconds


class LimitExceeded(SandboxError):
    """The child went past one of its limits: ``limit`` is memory, cpu, wall or output."""

    def __init__(self, limit: str, **kwargs: Any) -> None:
        super().__init__(f"child exceeded its {limit} limit", **kwargs)
        self.limit = limit


class ChildFailed(SandboxError):
    """The function raised, or the child died in a way no limit explains."""


def run(target: str, data: bytes, *, limits: Limits, args: dict | None = None) -> Result:
    """Return ``function(data, **args)`` (which must return bytes), computed in a child.

    ``target`` is ``"package.module:function"``, importable from the project root.
    ``args`` must be JSON-serialisable. Raises :class:`LimitExceeded` or
    :class:`ChildFailed`; never leaves a process behind.
    """
    spec = json.dumps(
        {
            "target": target,
            "args": args or {},
            "root": str(_PROJECT_ROOT),
            "memory": int(limits.memory_bytes),
            "cpu": int(limits.cpu_seconds),
            "fsize": int(limits.output_bytes),
            "nofile": int(limits.open_files),
        }
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        # One malloc arena: each extra thread arena reserves 64 MB of address
        # space, which would count against RLIMIT_AS for nothing.
        "MALLOC_ARENA_MAX": "1",
    }
    with tempfile.TemporaryDirectory(prefix="sandbox-") as workdir:
        folder = Path(workdir)
        (folder / "input").write_bytes(data)
        with (
            open(folder / "input", "rb") as stdin,
            open(folder / "output", "wb") as stdout,
            open(folder / "errors", "wb") as stderr,
        ):
            started = time.monotonic()
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
                [sys.executable, "-I", "-B", __file__, spec],
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                cwd=workdir,
                env=env,
                start_new_session=True,  # its own process group, killed as a whole
                close_fds=True,
            )
            status, peak, cpu, timed_out = _wait(process, limits.wall_seconds)
            wall = time.monotonic() - started
        peak = _reported_peak(folder) or peak
        facts: dict[str, Any] = {"peak_memory_bytes": peak, "wall_seconds": wall}
        if timed_out:
            raise LimitExceeded("wall", **facts)
        if os.WIFSIGNALED(status):
            signum = os.WTERMSIG(status)
            if signum == signal.SIGXCPU or (signum == signal.SIGKILL and cpu >= limits.cpu_seconds):
                raise LimitExceeded("cpu", **facts)
            if signum == signal.SIGXFSZ:
                raise LimitExceeded("output", **facts)
            if signum in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGKILL) and (
                peak >= limits.memory_bytes * 0.9 or _said_memory(folder)
            ):
                raise LimitExceeded("memory", **facts)
            raise ChildFailed(f"child killed by signal {signum}", **facts)
        code = os.WEXITSTATUS(status)
        if code == _EXIT_MEMORY:
            raise LimitExceeded("memory", **facts)
        if code == _EXIT_OUTPUT:
            raise LimitExceeded("output", **facts)
        if code != 0:
            raise ChildFailed(_last_line(folder / "errors") or f"exit status {code}", **facts)
        output = (folder / "output").read_bytes()
        return Result(output=output, peak_memory_bytes=peak, cpu_seconds=cpu, wall_seconds=wall)


def _wait(process: subprocess.Popen, timeout: float) -> tuple[int, int, float, bool]:
    """Reap the child with wait4 (for its rusage); kill its group after ``timeout``."""
    deadline = time.monotonic() + timeout
    pause = 0.002
    timed_out = False
    try:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() >= deadline:
                timed_out = True
                _kill_group(process.pid)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    except BaseException:
        _kill_group(process.pid)
        process.wait()
        raise
    # Popen must not try to reap it again.
    process.returncode = os.waitstatus_to_exitcode(status)
    # Anything the child left running in its group goes too.
    _kill_group(process.pid)
    peak = usage.ru_maxrss * 1024  # kilobytes on Linux (see _reported_peak)
    return status, peak, usage.ru_utime + usage.ru_stime, timed_out


def _reported_peak(folder: Path) -> int:
    """The child's own peak (VmHWM of its image), when it lived to write it down.

    The kernel's ru_maxrss for a child counts the parent's resident size at fork
    time too (it survives exec), so for a large parent it says nothing about the
    child; the figure the child reports does.
    """
    try:
        return int((folder / "peak").read_text())
    except (OSError, ValueError):
        return 0


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _last_line(path: Path) -> str:
    try:
        lines = path.read_bytes()[-4000:].decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:500] if lines else ""


def _said_memory(folder: Path) -> bool:
    text = _last_line(folder / "errors").lower()
    return "memoryerror" in text or "bad_alloc" in text or "cannot allocate" in text


# --- The child ----------------------------------------------------------------------


def _child_main(spec_json: str) -> None:
    import importlib
    import resource

    spec = json.loads(spec_json)
    # Limits first, before anything reads the input.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # never dump the input to disk
    resource.setrlimit(resource.RLIMIT_AS, (spec["memory"], spec["memory"]))
    # SIGXCPU at the soft limit, SIGKILL one second later if it is ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (spec["cpu"], spec["cpu"] + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (spec["fsize"], spec["fsize"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (spec["nofile"], spec["nofile"]))

    # Whatever the function or its libraries print must not corrupt the output.
    output = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        sys.path.insert(0, spec["root"])
        module_name, _, function_name = spec["target"].partition(":")
        module = importlib.import_module(module_name)
        function = getattr(module, function_name)
        data = sys.stdin.buffer.read()
        result = function(data, **spec["args"])
        if not isinstance(result, bytes):
            raise TypeError(f"{spec['target']} returned {type(result).__name__}, not bytes")
        output.write(result)
        output.flush()
    except MemoryError:
        _exit(_EXIT_MEMORY)
    except OSError as exc:
        if exc.errno == errno.EFBIG:  # Python ignores SIGXFSZ: the write fails instead
            _exit(_EXIT_OUTPUT)
        _print_error_and_exit()
    except BaseException:
        _print_error_and_exit()
    _exit(0)


def _print_error_and_exit() -> None:
    import traceback

    traceback.print_exc()
    sys.stderr.flush()
    _exit(_EXIT_ERROR)


def _exit(code: int) -> None:
    """Leave the peak resident size of this image for the parent (see _reported_peak)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    with open("peak", "w") as peak:
                        peak.write(str(int(line.split()[1]) * 1024))
                    break
    except (OSError, ValueError, MemoryError):
        pass
    os._exit(code)


if __name__ == "__main__":
    _child_main(sys.argv[1])
