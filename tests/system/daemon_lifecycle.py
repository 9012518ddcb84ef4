#!/usr/bin/env python3
"""canond's life: start-up, configuration, counters, stopping.

    daemon_lifecycle.py CANOND CANONCTL EXAMPLE_ZONES_DIR

SIGTERM, SIGINT and `canonctl stop` end it with status 0 within seconds;
--check-config judges zones without serving; a TOML config file is honoured
and --listen on the command line overrides its listen; a missing zone file
stops start-up with a message naming it, and so does a second canond on the
same admin socket or port; `canonctl stats` counts queries (two workers).
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

import dns.exception  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402

EXIT_SECONDS = 10  # "within a few seconds", with room for ASan


def run_canond(args, seconds=60):
    """canond ARGS expected to exit by itself: (status, output)."""
    work = h.tempdir()
    cmd = [h.CANOND, "--listen", f"127.0.0.1:{h.free_port()}",
           "--admin-socket", os.path.join(work, "admin.sock"), *args]
    p = h.spawn(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = p.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        raise AssertionError(f"{' '.join(cmd)} still running after {seconds} s:\n{out}") from None
    return p.returncode, out


def examples():
    return {"example.com": h.example("example.com"), "example.net": h.example("example.net")}


class Lifecycle(unittest.TestCase):
    def stops(self, d, how):
        began = time.monotonic()
        how()
        rc = d.wait_exit(EXIT_SECONDS)
        self.assertEqual(rc, 0, d.log())
        self.assertLess(time.monotonic() - began, EXIT_SECONDS)
        self.assertFalse(os.path.exists(d.socket), "the admin socket is left behind")

    def test_sigterm_and_sigint(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with h.Canond(zones=examples()) as d:
                self.stops(d, lambda: d.proc.send_signal(sig))

    def test_canonctl_stop(self):
        with h.Canond(zones=examples()) as d:
            def stop():
                r = d.ctl("stop")
                self.assertEqual(r.rc, 0, r)
            self.stops(d, stop)

    def test_restart_after_crash(self):
        """SIGKILL leaves the socket file; the next canond takes it over."""
        d = h.Canond(zones=examples()).start()
        d.kill()
        self.assertTrue(os.path.exists(d.socket))
        again = h.Canond(zones=examples())
        again.socket = d.socket
        with again:
            self.assertEqual(again.status()["pid"], again.proc.pid)

    def test_check_config(self):
        rc, out = run_canond(["--zone", f"example.com={h.example('example.com')}", "--check-config"])
        self.assertEqual(rc, 0, out)
        work = h.tempdir()
        text = h.read(h.example("example.com")) + "www IN A 192.0.2.9\n"  # www is a CNAME
        bad = h.write(work, "bad.zone", text)
        rc, out = run_canond(["--zone", f"example.com={bad}", "--check-config"])
        self.assertEqual(rc, 1, out)
        lines = (len(text.splitlines()), next(i for i, line in enumerate(text.splitlines(), 1)
                                              if line.startswith("www ")))
        self.assertRegex(out, rf"bad\.zone:({lines[0]}|{lines[1]}): error:", out)

    def test_check_config_bad_config_file(self):
        """An unknown key in the config file: exit 1 and FILE:LINE, like a zone error."""
        text = f'zone = ["example.com={h.example("example.com")}"]\nno-such-key = 1\n'
        config = h.write(h.tempdir(), "bad.toml", text)
        rc, out = run_canond(["--config", config, "--check-config"])
        self.assertEqual(rc, 1, f"--check-config exits 0 or 1 (canond --help):\n{out}")
        self.assertIn("bad.toml:2", out)

    def test_second_daemon_is_refused(self):
        """Another canond on the same admin socket, or the same port, exits
        non-zero and the first one keeps its socket and serving."""
        with h.Canond(zones=examples()) as d:
            p = h.spawn([h.CANOND, "--zone", f"example.com={h.example('example.com')}",
                         "--listen", f"127.0.0.1:{h.free_port()}", "--admin-socket", d.socket],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            out, _ = p.communicate(timeout=60)
            self.assertNotEqual(p.returncode, 0, out)
            self.assertIn(d.socket, out)
            self.assertEqual(d.status()["pid"], d.proc.pid)

            rc, out = run_canond(["--zone", f"example.com={h.example('example.com')}",
                                  "--listen", f"127.0.0.1:{d.port}"])
            self.assertNotEqual(rc, 0, out)
            self.assertIn(f"127.0.0.1:{d.port}", out)
            self.assertEqual(d.status()["pid"], d.proc.pid)
            self.assertEqual(h.kdig(d.port, "example.com").rdata("ANSWER", "A"), ["192.0.2.1"])

    def test_missing_zone_file(self):
        """A zone whose file cannot be read costs only itself (as in knotd and
        nsd): canond serves, its names get SERVFAIL; --check-config fails."""
        missing = os.path.join(h.tempdir(), "no-such.zone")
        rc, out = run_canond(["--check-config", "--zone", f"example.com={missing}"])
        self.assertEqual(rc, 1, out)
        self.assertIn(missing, out)
        with h.Canond(zones={"example.com": missing}) as d:
            self.assertIn(missing, d.log())
            self.assertEqual(h.kdig(d.port, "www.example.com").rcode, "SERVFAIL")
            zone = d.status()["zones"][0]
            self.assertEqual(zone["state"], "failed", zone)

    def config(self, d, listen_port):
        zones = ", ".join(f'"{o}={p}"' for o, p in examples().items())
        return h.write(d.dir, "canond.toml",
                       f'zone = [{zones}]\nlisten = ["127.0.0.1:{listen_port}"]\nworkers = 2\n'
                       f'admin-socket = "{d.socket}"\nlog-level = "info"\n')

    def test_config_file(self):
        d = h.Canond(listen=[], config="canond.toml")
        d.config = self.config(d, d.port)
        with d:
            status = d.status()
            self.assertEqual(status["listen"], [f"127.0.0.1:{d.port}"], status)
            self.assertEqual(status["workers"], 2, status)
            self.assertEqual(sorted(z["origin"] for z in status["zones"]),
                             ["example.com.", "example.net."], status)
            self.assertEqual(h.kdig(d.port, "example.com").rdata("ANSWER", "A"), ["192.0.2.1"])

        file_port = h.free_port()
        d = h.Canond(config="canond.toml")  # and --listen 127.0.0.1:d.port
        d.config = self.config(d, file_port)
        with d:
            self.assertEqual(d.status()["listen"], [f"127.0.0.1:{d.port}"])
            self.assertEqual(h.kdig(d.port, "example.com").rdata("ANSWER", "A"), ["192.0.2.1"])
            q = dns.message.make_query("example.com", "A")
            with self.assertRaises((dns.exception.Timeout, OSError), msg="the file's listen serves"):
                dns.query.udp(q, "127.0.0.1", port=file_port, timeout=1)

    def test_stats_count_queries(self):
        with h.Canond(zones=examples(), args=["--workers", "2"]) as d:
            before = d.ok("stats")
            for _ in range(5):
                h.query(d.port, "example.com", "A", tries=1)
            for _ in range(3):
                h.query(d.port, "nothere.example.com", "A", tries=1)

            def moved():
                now = d.ok("stats")
                return now if now["queries"] - before["queries"] >= 8 else None
            after = h.wait_for("stats show 8 more queries", moved, seconds=5)
            delta = lambda *keys: dig(after, keys) - dig(before, keys)  # noqa: E731
            self.assertEqual(delta("queries"), 8, after)
            self.assertEqual(delta("responses"), 8, after)
            self.assertEqual(delta("rcodes", "NXDOMAIN"), 3, after)
            self.assertEqual(delta("rcodes", "NOERROR"), 5, after)
            self.assertEqual(delta("qtypes", "A"), 8, after)
            r = d.ctl("stats")
            self.assertEqual(r.rc, 0, r)
            self.assertIn("queries", r.out, r)


def dig(obj, keys):
    for k in keys:
        obj = obj[k]
    return obj


if __name__ == "__main__":
    h.main()
