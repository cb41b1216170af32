"""A TCP proxy between the app and one outside service, that can break the path on cue.

Debian has no toxiproxy, and the Python fault proxies on PyPI are young one-person
projects; this one is small and has its own tests (test_proxy.py). It does what the
fault suite needs and nothing else:

- ``refuse()``: open connections are cut and new ones refused (ECONNREFUSED), as with
  a service that was killed;
- ``hang()``: nothing is forwarded any more; new connections are accepted and never
  answered, as with a service that stopped answering;
- ``hang(after=b"...", side=SERVER)``: each connection passes until that side sent
  the bytes, then hangs (an SMTP server silent after its greeting, or after DATA);
- ``cut()``: open connections are closed mid-stream; new ones pass;
- ``on(b"...", side=CLIENT, call=...)``: run ``call`` once, just before the chunk with
  those bytes is forwarded (to break another service at an exact step);
- ``restore()``: traffic passes again; connections that were hung are cut, as a
  restarted service would drop them.

Every change is announced on one condition, so tests wait for events
(:meth:`FaultProxy.wait`), never for a length of time.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass

CLIENT = "client"  # bytes the app sends
SERVER = "server"  # bytes the service sends


def _listener() -> socket.socket:
    # Bound to an explicit port: a listening socket shut down to refuse connections
    # keeps such a port (and can listen again), while one bound to port 0 loses it.
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:  # taken in between: another port
            sock.close()
            continue
        sock.listen(128)
        return sock


def _reset(sock: socket.socket | None) -> None:
    """Close with a TCP reset (no orderly goodbye), waking any thread blocked on it."""
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@dataclass
class _Trigger:
    pattern: bytes
    side: str
    call: Callable[[], None] | None  # None: hang the connection after the chunk


class _Link:
    """One client connection and its connection to the service (None while hung at accept)."""

    def __init__(self, proxy: FaultProxy, client: socket.socket, server: socket.socket | None):
        self.proxy = proxy
        self.client = client
        self.server = server
        self.hung = server is None
        self.tails = {CLIENT: b"", SERVER: b""}
        self.open_sides = 2 if server is not None else 1

    def start(self) -> None:
        threading.Thread(target=self._pump, args=(self.client, CLIENT), daemon=True).start()
        if self.server is not None:
            threading.Thread(target=self._pump, args=(self.server, SERVER), daemon=True).start()

    def _pump(self, source: socket.socket, side: str) -> None:
        target = self.server if side == CLIENT else self.client
        try:
            while data := source.recv(65536):
                if not self.proxy._forward(self, side, data):
                    continue  # hung: read and dropped, never answered
                target.sendall(data)
            if target is not None and not self.hung:
                target.shutdown(socket.SHUT_WR)  # an orderly end goes through as one
        except OSError:
            self.proxy._drop(self, reset=True)
            return
        self.proxy._drop(self, reset=False)

    def close(self, *, reset: bool = True) -> None:
        for sock in (self.client, self.server):
            if sock is not None and reset:
                _reset(sock)
            elif sock is not None:
                sock.close()


class FaultProxy:
    def __init__(self, upstream: tuple[str, int], *, name: str = "service") -> None:
        self.name = name
        self.upstream = upstream
        self.changed = threading.Condition()
        self.accepted = 0  # connections accepted so far
        self.hung = 0  # connections that stopped being answered so far
        self._links: set[_Link] = set()
        self._hang_all = False
        self._refusing = False
        self._closed = False
        self._hang_after: list[_Trigger] = []
        self._calls: list[_Trigger] = []
        self._sock = _listener()
        self.host, self.port = self._sock.getsockname()
        self._listening = threading.Event()
        self._listening.set()
        self._thread = threading.Thread(target=self._accept, daemon=True, name=f"proxy-{name}")
        self._thread.start()

    def __repr__(self) -> str:
        return f"<FaultProxy {self.name} :{self.port} -> :{self.upstream[1]}>"

    # --- Faults -----------------------------------------------------------------------------

    def refuse(self) -> None:
        with self.changed:
            self._refusing = True
            self._listening.clear()
            self._sock.shutdown(socket.SHUT_RD)  # Linux: stops listening, keeps the port
            self._cut_links(lambda link: True)
            self.changed.notify_all()

    def hang(self, *, after: bytes | None = None, side: str = SERVER) -> None:
        with self.changed:
            if after is None:
                self._hang_all = True
                for link in self._links:
                    self._mark_hung(link)
            else:
                self._hang_after.append(_Trigger(after, side, None))
            self.changed.notify_all()

    def cut(self) -> None:
        with self.changed:
            self._cut_links(lambda link: True)
            self.changed.notify_all()

    def on(self, pattern: bytes, *, side: str, call: Callable[[], None]) -> None:
        with self.changed:
            self._calls.append(_Trigger(pattern, side, call))

    def restore(self) -> None:
        with self.changed:
            self._hang_all = False
            self._hang_after.clear()
            self._calls.clear()
            self._cut_links(lambda link: link.hung)
            if self._refusing:
                self._refusing = False
                self._sock.listen(128)
                self._listening.set()
            self.changed.notify_all()

    def wait(self, predicate: Callable[[FaultProxy], bool], timeout: float = 30.0) -> None:
        """Block until ``predicate(self)`` holds (checked at every change); fail after timeout."""
        with self.changed:
            if not self.changed.wait_for(lambda: predicate(self), timeout=timeout):
                raise AssertionError(f"{self}: still waiting after {timeout} s")

    def close(self) -> None:
        with self.changed:
            self._closed = True
            self._cut_links(lambda link: True)
        self._listening.set()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RD)
        self._thread.join(timeout=5)
        self._sock.close()

    # --- Inside -----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._sock.accept()
            except OSError:  # refusing (or closing): wait until listening again
                self._listening.wait()
                continue
            with self.changed:
                hang = self._hang_all
            server = None
            if not hang:
                try:
                    server = socket.create_connection(self.upstream, timeout=5)
                    server.settimeout(None)
                except OSError:
                    _reset(client)
                    continue
            link = _Link(self, client, server)
            with self.changed:
                self._links.add(link)
                self.accepted += 1
                if link.hung:
                    self.hung += 1
                self.changed.notify_all()
            link.start()

    def _forward(self, link: _Link, side: str, data: bytes) -> bool:
        """Whether this chunk goes through; runs the calls it triggers first. A chunk that
        completes a ``hang(after=...)`` pattern goes through, and the connection is hung
        before it does, so that no answer to it can slip back."""
        with self.changed:
            if link.hung:
                return False
            seen = link.tails[side] + data
            longest = max([len(t.pattern) for t in self._hang_after + self._calls] + [1])
            link.tails[side] = seen[-(longest - 1) :] if longest > 1 else b""
            calls = [t for t in self._calls if t.side == side and t.pattern in seen]
            for trigger in calls:
                self._calls.remove(trigger)
            if any(t.side == side and t.pattern in seen for t in self._hang_after):
                self._mark_hung(link)
                self.changed.notify_all()
        for trigger in calls:
            trigger.call()
        return True

    def _mark_hung(self, link: _Link) -> None:
        if not link.hung:
            link.hung = True
            self.hung += 1

    def _cut_links(self, which: Callable[[_Link], bool]) -> None:
        for link in [link for link in self._links if which(link)]:
            self._links.discard(link)
            link.close()

    def _drop(self, link: _Link, *, reset: bool) -> None:
        with self.changed:
            link.open_sides -= 1
            if link in self._links and (reset or link.open_sides <= 0):
                self._links.discard(link)
                link.close(reset=reset)
            self.changed.notify_all()
