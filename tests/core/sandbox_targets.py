"""Functions run by tests/core/test_sandbox.py inside the sandbox's child process."""

from __future__ import annotations

import os
import time


def echo(data: bytes, *, suffix: str = "") -> bytes:
    print("stray output from a library")  # must not end up in the result
    return data.upper() + suffix.encode()


def hog_memory(data: bytes) -> bytes:
    blocks = []
    while True:
        blocks.append(bytearray(16 * 1024 * 1024))


def spin(data: bytes) -> bytes:
    while True:
        pass


def sleep(data: bytes, **_: object) -> bytes:
    child = os.fork()
    if child == 0:  # a grandchild that would outlive a careless parent
        time.sleep(120)
        os._exit(0)
    time.sleep(120)
    return b""


def write_too_much(data: bytes) -> bytes:
    return b"x" * (4 * 1024 * 1024)


def fail(data: bytes) -> bytes:
    raise ValueError("this input is not what I expected")


def environment(data: bytes) -> bytes:
    return "\n".join(sorted(os.environ)).encode()
