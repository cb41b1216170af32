"""The fault proxy itself, in front of an echo server: each fault does what it says."""

from __future__ import annotations

import socket
import socketserver
import threading

import pytest

from .proxy import CLIENT, SERVER, FaultProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(b"hello\n")
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def proxy():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy = FaultProxy(server.server_address, name="echo")
    yield proxy
    proxy.close()
    server.shutdown()
    server.server_close()


def _connect(proxy: FaultProxy) -> socket.socket:
    sock = socket.create_connection((proxy.host, proxy.port), timeout=2)
    sock.settimeout(0.3)  # an answer on loopback takes microseconds: silence is a hang
    return sock


def _answers(sock: socket.socket, message: bytes) -> bool:
    sock.sendall(message)
    try:
        return sock.recv(1024) == message
    except TimeoutError:
        return False


def test_it_passes_traffic_both_ways(proxy):
    with _connect(proxy) as sock:
        assert sock.recv(1024) == b"hello\n"
        assert _answers(sock, b"ping\n")
    assert proxy.accepted == 1


def test_refuse_cuts_open_connections_and_refuses_new_ones_until_restored(proxy):
    sock = _connect(proxy)
    assert sock.recv(1024) == b"hello\n"
    proxy.refuse()
    with pytest.raises(ConnectionError):
        sock.sendall(b"ping\n")
        if not sock.recv(1024):  # an orderly end is also a cut here
            raise ConnectionResetError
    sock.close()
    with pytest.raises(ConnectionRefusedError):
        _connect(proxy)
    proxy.restore()
    with _connect(proxy) as again:
        assert again.recv(1024) == b"hello\n"
        assert _answers(again, b"back\n")


def test_hang_accepts_and_never_answers_then_restore_drops_the_hung_ones(proxy):
    open_before = _connect(proxy)
    assert open_before.recv(1024) == b"hello\n"
    proxy.hang()
    assert not _answers(open_before, b"ping\n")
    hung = _connect(proxy)  # accepted...
    proxy.wait(lambda p: p.hung == 2)
    with pytest.raises(TimeoutError):
        hung.recv(1024)  # ...and never greeted
    proxy.restore()
    for sock in (open_before, hung):
        with pytest.raises(ConnectionError):
            if not sock.recv(1024):
                raise ConnectionResetError
        sock.close()
    with _connect(proxy) as fresh:
        assert fresh.recv(1024) == b"hello\n"


def test_hang_after_bytes_lets_them_through_then_nothing(proxy):
    proxy.hang(after=b"hello", side=SERVER)
    with _connect(proxy) as sock:
        assert sock.recv(1024) == b"hello\n"  # the greeting passes...
        assert not _answers(sock, b"ping\n")  # ...then silence
    assert proxy.hung == 1


def test_hang_after_bytes_split_across_chunks(proxy):
    proxy.hang(after=b"\r\n.\r\n", side=CLIENT)
    with _connect(proxy) as sock:
        assert sock.recv(1024) == b"hello\n"
        assert _answers(sock, b"body\r\n")
        sock.sendall(b".\r\n")  # the pattern completes across two chunks
        proxy.wait(lambda p: p.hung == 1)
        with pytest.raises(TimeoutError):
            sock.recv(1024)


def test_cut_closes_open_connections_but_new_ones_pass(proxy):
    sock = _connect(proxy)
    assert sock.recv(1024) == b"hello\n"
    proxy.cut()
    with pytest.raises(ConnectionError):
        sock.sendall(b"ping\n")
        if not sock.recv(1024):
            raise ConnectionResetError
    sock.close()
    with _connect(proxy) as fresh:
        assert fresh.recv(1024) == b"hello\n"


def test_on_runs_a_call_once_before_the_chunk_goes_through(proxy):
    calls = []
    proxy.on(b"DATA", side=CLIENT, call=lambda: calls.append(proxy.accepted))
    with _connect(proxy) as sock:
        assert sock.recv(1024) == b"hello\n"
        assert _answers(sock, b"MAIL\r\n")
        assert calls == []
        assert _answers(sock, b"DATA\r\n")
        assert _answers(sock, b"DATA\r\n")
    assert calls == [1]
