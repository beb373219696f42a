"""The fault harness's proxy really forwards, really resets and really black-holes connections."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from tests.faults.harness import TcpProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    running = TcpProxy("127.0.0.1", server.server_address[1])
    yield running
    running.close()
    server.shutdown()
    server.server_close()


def _connect(proxy: TcpProxy) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=2)


def test_the_proxy_forwards_both_ways(proxy: TcpProxy) -> None:
    with _connect(proxy) as sock:
        sock.sendall(b"ping")
        assert sock.recv(16) == b"ping"


def test_reset_all_cuts_an_open_connection_with_a_reset(proxy: TcpProxy) -> None:
    with _connect(proxy) as sock:
        sock.sendall(b"ping")
        sock.recv(16)
        assert proxy.reset_all() == 2
        with pytest.raises(ConnectionResetError):
            sock.sendall(b"again")
            sock.recv(16)


def test_a_black_hole_swallows_traffic_without_closing(proxy: TcpProxy) -> None:
    proxy.set_mode("blackhole")
    with _connect(proxy) as sock:
        sock.sendall(b"ping")
        with pytest.raises(socket.timeout):
            sock.settimeout(0.5)
            sock.recv(16)


def test_refuse_resets_new_connections(proxy: TcpProxy) -> None:
    proxy.set_mode("refuse")
    with pytest.raises((ConnectionResetError, ConnectionAbortedError)):
        with _connect(proxy) as sock:
            sock.sendall(b"ping")
            if not sock.recv(16):
                raise ConnectionResetError("closed without a reset")
