"""CPU per service is read from the process group of whoever listens on the service's port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from assistant.load.cpu import cpu_seconds, service_groups

# Listens on a free port, says which, then burns CPU until killed.
BUSY_SERVER = """
import socket, sys
listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen()
print(listener.getsockname()[1], flush=True)
while True:
    sum(range(10_000))
"""


def test_a_listening_process_is_found_by_its_port_and_its_cpu_grows_while_it_works() -> None:
    server = subprocess.Popen([sys.executable, "-c", BUSY_SERVER], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        port = int(server.stdout.readline())
        groups = service_groups({"busy": port})
        before = cpu_seconds(groups)["busy"]
        time.sleep(0.5)
        assert (groups, cpu_seconds(groups)["busy"] > before) == ({"busy": server.pid}, True)
    finally:
        server.kill()
        server.wait()


def test_a_port_nobody_listens_on_leaves_that_service_out() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening
        assert service_groups({"nobody": port}) == {}
