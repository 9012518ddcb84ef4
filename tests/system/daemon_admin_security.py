#!/usr/bin/env python3
"""Who may use the admin socket, and what canonctl says when it cannot.

    daemon_admin_security.py CANOND CANONCTL EXAMPLE_ZONES_DIR

The socket is created mode 0600; user nobody is refused by the file mode
(exit 3, a permission message) and, with the socket made 0666, still by
canond's peer-credential check (its "permission denied" error). Without a
daemon canonctl exits 3 with "canond is not running at PATH". At most 32
admin connections are open at once, and a request line is at most 64 KiB.
Runs as root.
"""
import json
import os
import socket
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

NOBODY_UID = 65534


class AdminSecurity(unittest.TestCase):
    def test_socket_mode_and_peer_credentials(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run canonctl as nobody")
        # The socket's dir is 0755, so that nobody reaches the socket itself.
        with h.Canond(zones={"example.com": h.example("example.com")}, dir_mode=0o755) as d:
            st = os.stat(d.socket)
            self.assertTrue(stat.S_ISSOCK(st.st_mode), d.socket)
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600, oct(st.st_mode))

            r = d.ctl("status", as_nobody=True)
            self.assertEqual(r.rc, 3, r)
            self.assertRegex(r.err.lower(), r"permission|not permitted", r)

            os.chmod(d.socket, 0o666)
            r = d.ctl("status", as_nobody=True)
            self.assertEqual(r.rc, 3, r)
            self.assertIn("permission denied", r.err, r)
            self.assertIn(f"uid {NOBODY_UID}", r.err, "not canond's peer-credential refusal:\n"
                          f"{r}")
            r = d.ctl("zone-drop", "example.com", as_nobody=True)
            self.assertEqual(r.rc, 3, r)

            # root still may, and nobody changed anything
            self.assertEqual([z["origin"] for z in d.status()["zones"]], ["example.com."])
            self.assertEqual(h.kdig(d.port, "example.com").rcode, "NOERROR")

    def test_connection_cap_and_request_cap(self):
        """32 admin connections at once; the 33rd gets an error line and is
        closed, and canonctl works again once one closes. A request line over
        64 KiB is refused and its connection closed."""
        with h.Canond(zones={"example.com": h.example("example.com")}) as d:
            held = []
            try:
                # One at a time, each served a status before the next connects
                # (proof canond accepted it; the listen backlog is only 16).
                for _ in range(32):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    held.append(s)
                    s.settimeout(10)
                    s.connect(d.socket)
                    s.sendall(b'{"command": "status"}\n')
                    self.assertTrue(json.loads(s.makefile().readline())["ok"])
                r = d.ctl("status")
                self.assertEqual(r.rc, 1, r)  # canond's refusal, as for any refused command
                self.assertIn("too many admin connections (32 open)", r.err, r)
                held.pop().close()
                for _ in range(50):  # canond sees the close on its next loop turn
                    r = d.ctl("status")
                    if r.rc == 0:
                        break
                self.assertEqual(r.rc, 0, r)

                big = held[0]
                big.sendall(b'{"command": "status", "args": ["' + b"x" * (70 * 1024) + b'"]}\n')
                reply = json.loads(big.makefile().readline())
                self.assertFalse(reply["ok"])
                self.assertIn("request longer than 65536 bytes", reply["error"])
                self.assertEqual(big.recv(1), b"", "the connection stays open after an oversized request")
            finally:
                for s in held:
                    s.close()
            self.assertEqual(h.kdig(d.port, "example.com").rcode, "NOERROR")

    def test_no_daemon(self):
        work = h.tempdir()
        missing = os.path.join(work, "nothing.sock")
        r = h.canonctl(missing, "status")
        self.assertEqual(r.rc, 3, r)
        self.assertIn(f"canond is not running at {missing}", r.err, r)

        stale = os.path.join(work, "stale.sock")  # a socket file nobody listens on
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.bind(stale)
        r = h.canonctl(stale, "status")
        self.assertEqual(r.rc, 3, r)
        self.assertIn(f"canond is not running at {stale}", r.err, r)

    def test_usage(self):
        r = h.canonctl(os.path.join(h.tempdir(), "x.sock"))  # no command
        self.assertEqual(r.rc, 2, r)


if __name__ == "__main__":
    h.main()
