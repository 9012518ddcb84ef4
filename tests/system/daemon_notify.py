#!/usr/bin/env python3
"""canond and the service manager's notify socket (systemd's Type=notify).

    daemon_notify.py CANOND CANONCTL EXAMPLE_ZONES_DIR

The test binds a unix datagram socket, names it in NOTIFY_SOCKET (a path,
then an abstract '@' name) and starts canond: READY=1 arrives, and a query
sent right after it is answered; SIGHUP and `canonctl reload` each give
RELOADING=1 then READY=1; WATCHDOG_USEC=400000 gives WATCHDOG=1 about every
200 ms; SIGTERM gives STOPPING=1 before canond exits 0.
"""
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402


class Listener:
    """The service manager's end: one datagram per state change."""

    def __init__(self, abstract=False):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = f"canon-notify-{os.getpid()}-{time.monotonic_ns()}"
            self.sock.bind("\0" + name)
            self.address = "@" + name
        else:
            self.address = os.path.join(h.tempdir(), "notify.sock")
            self.sock.bind(self.address)
        self.messages = []

    def next(self, seconds=h.START_SECONDS):
        """The next datagram's text, or an AssertionError after `seconds`."""
        self.sock.settimeout(seconds)
        try:
            text = self.sock.recv(4096).decode()
        except socket.timeout:
            raise AssertionError(f"no notification within {seconds} s; so far {self.messages}") from None
        self.messages.append(text)
        return text

    def expect(self, state, seconds=h.START_SECONDS, skip=("WATCHDOG=1",)):
        """Waits for a datagram holding `state` (skipping watchdog pings)."""
        deadline = time.monotonic() + seconds
        while True:
            text = self.next(max(0.1, deadline - time.monotonic()))
            if state in text.split("\n"):
                return text
            if text not in skip:
                raise AssertionError(f"expected {state}, got {text!r}; so far {self.messages}")

    def close(self):
        self.sock.close()


class Notify(unittest.TestCase):
    def lifecycle(self, abstract):
        listener = Listener(abstract)
        try:
            d = h.Canond(zones={"example.com": h.example("example.com")},
                         env={"NOTIFY_SOCKET": listener.address})
            # Started by hand: READY=1 is the signal here, not `canonctl status`.
            with open(d.logpath, "w") as log:
                d.proc = h.spawn(d.command(), stdin=h.subprocess.DEVNULL, stdout=log,
                                 stderr=h.subprocess.STDOUT, cwd=d.dir,
                                 env={**os.environ, **d.env})
            try:
                self.assertEqual(listener.expect("READY=1"), "READY=1")
                # Right after READY=1, without retries.
                self.assertEqual(h.query(d.port, "example.com", "SOA", tries=1).rcode(), 0)

                d.proc.send_signal(signal.SIGHUP)
                reloading = listener.expect("RELOADING=1")
                self.assertRegex(reloading, r"MONOTONIC_USEC=\d+")
                listener.expect("READY=1")

                self.assertEqual(d.ctl("reload").rc, 0)
                listener.expect("RELOADING=1")
                listener.expect("READY=1")
                self.assertEqual(h.kdig(d.port, "example.com").rcode, "NOERROR")

                d.proc.send_signal(signal.SIGTERM)
                listener.expect("STOPPING=1")
                self.assertEqual(d.wait_exit(), 0, d.log())
            finally:
                d.kill()
        finally:
            listener.close()

    def test_path_socket(self):
        self.lifecycle(abstract=False)

    def test_abstract_socket(self):
        self.lifecycle(abstract=True)

    def test_watchdog(self):
        listener = Listener()
        try:
            with h.Canond(zones={"example.com": h.example("example.com")},
                          env={"NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "400000"}):
                listener.expect("READY=1")
                began = time.monotonic()
                pings = 0
                while time.monotonic() - began < 1.5:
                    if listener.next(2.0) == "WATCHDOG=1":
                        pings += 1
                # Every 200 ms: about 7 in 1.5 s; at least 4 even when slow (ASan).
                self.assertGreaterEqual(pings, 4, listener.messages)
        finally:
            listener.close()

    def test_no_notify_socket(self):
        """Without NOTIFY_SOCKET nothing changes (the other daemon tests)."""
        with h.Canond(zones={"example.com": h.example("example.com")}) as d:
            self.assertNotIn("NOTIFY_SOCKET", d.log())


if __name__ == "__main__":
    h.main()
