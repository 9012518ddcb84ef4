#!/usr/bin/env python3
"""DNS over TCP limits (RFC 7766 §6.2): the connection cap and the idle timeout.

    daemon_tcp_limits.py CANOND CANONCTL EXAMPLE_ZONES_DIR

With tcp-max-connections = 2, a third connection is closed at once while the
first two keep being answered; with tcp-idle-timeout = 1, a connection that
sends nothing is closed after about a second, and one that keeps asking is
not. `canonctl stats` counts both.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

import dns.message  # noqa: E402


def ask(sock, name, qid):
    """One length-prefixed query on an open connection; the answer's message."""
    q = dns.message.make_query(name, "A")
    q.id = qid
    wire = q.to_wire()
    sock.sendall(struct.pack("!H", len(wire)) + wire)
    length = struct.unpack("!H", recv_exactly(sock, 2))[0]
    return dns.message.from_wire(recv_exactly(sock, length))


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed by canond")
        data += chunk
    return data


def closed_by_peer(sock, seconds):
    """True when canond closes `sock` within `seconds` (we send nothing)."""
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


class TcpLimits(unittest.TestCase):
    def start(self):
        work = h.tempdir()
        self.canond = h.Canond(zones={"example.com": h.example("example.com")})
        config = h.write(work, "canond.toml",
                         f'admin-socket = "{self.canond.socket}"\n'
                         "tcp-max-connections = 2\n"
                         "tcp-idle-timeout = 1\n")
        self.canond.config = config
        self.canond.start()
        self.addCleanup(self.canond.stop)
        return self.canond

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.canond.port), timeout=10)
        self.addCleanup(s.close)
        return s

    def test_cap_and_idle_timeout(self):
        canond = self.start()
        first, second = self.connect(), self.connect()
        self.assertEqual(ask(first, "foo.example.com", 1).id, 1)
        self.assertEqual(ask(second, "foo.example.com", 2).id, 2)

        third = self.connect()  # over the cap: accepted by the kernel, closed by canond
        self.assertTrue(closed_by_peer(third, 5), "a third connection must be closed at once")
        self.assertEqual(ask(first, "www.example.com", 3).id, 3, "the first two keep working")

        # `first` keeps asking every 0.3 s for 2 s; `second` stays silent.
        for i in range(7):
            time.sleep(0.3)
            self.assertEqual(ask(first, "foo.example.com", 10 + i).id, 10 + i)
        self.assertTrue(closed_by_peer(second, 0.5) or closed_by_peer(second, 3),
                        "an idle connection must be closed after the 1 s idle timeout")
        self.assertEqual(ask(first, "foo.example.com", 99).id, 99, "a busy one must not be")

        # A slot freed by the idle close takes a new connection again.
        fourth = self.connect()
        self.assertEqual(ask(fourth, "foo.example.com", 4).id, 4)

        tcp = canond.ok("stats")["tcp"]
        self.assertGreaterEqual(tcp["refused_over_cap"], 1)
        self.assertGreaterEqual(tcp["idle_closed"], 1)
        self.assertGreaterEqual(tcp["queries"], 12)


if __name__ == "__main__":
    h.main()
