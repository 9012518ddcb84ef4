#!/usr/bin/python3
"""System test for canonctl, the admin client of canond, with no canond.

    canonctl_test.py /path/to/canonctl

Two halves: what canonctl says when there is nobody to talk to (exit 3) or
the command line is wrong (exit 2), and how it prints canond's answers,
against a fake canond in this file that answers canned JSON lines shaped as
in tools/canond/ADMIN-PROTOCOL.md and records the request lines it got.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

CANONCTL = None  # set from argv in main

STATUS = {"ok": True, "version": "0.1.0", "pid": 1234, "uptime_seconds": 12.5,
          "backend": "socket", "workers": 1, "listen": ["127.0.0.1:5353"], "generation": 3,
          "zones": [{"origin": "example.com.", "serial": 2026112201,
                     "file": "/etc/canon/example.com.zone", "records": 42},
                    {"origin": "example.net.", "serial": 7,
                     "file": "/etc/canon/example.net.zone", "records": 15}]}
STATS = {"ok": True, "queries": 1234, "responses": 1230, "dropped": 4, "truncated": 0,
         "rcodes": {"NOERROR": 1000, "FORMERR": 0, "SERVFAIL": 0, "NXDOMAIN": 230,
                    "NOTIMP": 0, "REFUSED": 0, "YXDOMAIN": 0, "BADVERS": 0},
         "qtypes": {"A": 800, "AAAA": 400, "MX": 0, "other": 30},
         "chain_links": [1100, 120, 9] + [0] * 13 + [1],
         "udp": {"received": 1200, "sent": 1196, "send_errors": 0, "receive_errors": 0},
         "tcp": {"accepted": 3, "refused_over_cap": 0, "idle_closed": 1, "queries": 34, "open": 2},
         "workers": [{"worker": 0, "cpu": 1, "queries": 600, "responses": 598},
                     {"worker": 1, "cpu": 2, "queries": 634, "responses": 632}]}
# The fields canond added for issue 6 (policy, RRL, zones, process).
STATS_FULL = dict(STATS, version="0.1.0", uptime_seconds=125.0, backend="socket", generation=3,
                  zones=[{"origin": "example.com.", "serial": 2026112201}],
                  policy={"file": "/etc/canon/policy.toml", "rules": 3, "generation": 2,
                          "matches": [{"rule": "block-evil", "action": "drop", "matches": 17},
                                      {"rule": "quiet", "action": "refuse", "matches": 0},
                                      {"rule": "busy", "action": "refuse", "matches": 40}]},
                  rrl={"enabled": True, "limited": 9, "slipped": 4, "dropped": 5},
                  process={"cpu_seconds_total": 1.25, "resident_memory_bytes": 10485760,
                           "virtual_memory_bytes": 209715200, "open_fds": 17, "max_fds": 1024,
                           "start_time_seconds": 1767225600.5, "threads": 4})
METRICS_TEXT = ('# HELP canon_queries_total DNS queries by query type\n'
                '# TYPE canon_queries_total counter\n'
                'canon_queries_total{qtype="A"} 800\n'
                'canon_zone_serial{zone="a \\"b\\""} 1\n')
PUBLISHED = {"ok": True, "generation": 4, "zones": 2, "records": 57, "nodes": 40,
             "snapshot_bytes": 9000, "load_seconds": 0.01, "compile_seconds": 0.02,
             "warnings": ["a.zone:5: warning: www.example.com. CNAME: target is an IP [alias-target-ip]"]}
FINDINGS = ["bad.zone:7: error: www.example.com. CNAME: CNAME and other data [cname-and-other-data]",
            "bad.zone:9: warning: mx.example.com. MX: target is an alias [target-is-alias]"]
REFUSED = {"ok": False, "error": "zone set refused: 1 error; still serving generation 3",
           "findings": FINDINGS}
DENIED = {"ok": False, "error": "permission denied: uid 65534 is neither root nor canond's uid 0"}


def line(reply):
    """A response line as canond writes it (compact JSON, no newline)."""
    return json.dumps(reply, separators=(",", ":"))


class FakeCanond:
    """A UNIX stream socket server thread. `answer(request_line)` returns the
    line to send back, or None to hang up without answering; `greeting`, when
    set, is sent on accept and the connection closed unread (how canond turns
    away a uid it does not trust); `silent` reads and never answers."""

    def __init__(self, path, answer=None, greeting=None, silent=False):
        self.path, self.answer, self.greeting, self.silent = path, answer, greeting, silent
        self.requests = []  # raw request lines, newline included
        self.stopping = threading.Event()
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(8)
        self.server.settimeout(0.1)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.server.accept()
            except socket.timeout:
                continue
            with conn:
                self.handle(conn)

    def handle(self, conn):
        if self.greeting is not None:
            conn.sendall((line(self.greeting) + "\n").encode())
            return
        data = b""
        while not data.endswith(b"\n"):
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        self.requests.append(data.decode())
        if self.silent:
            self.stopping.wait(30)
            return
        reply = self.answer(data.decode())
        if reply is not None:
            conn.sendall((reply + "\n").encode())

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.server.close()


class Run:
    """One canonctl run: exit status, stdout, stderr."""

    def __init__(self, args, env=None, cwd=None):
        full_env = {k: v for k, v in os.environ.items() if k != "CANONCTL_SOCKET"}
        full_env.update(env or {})
        proc = subprocess.run([CANONCTL, *args], capture_output=True, text=True, timeout=60,
                              env=full_env, cwd=cwd)
        self.status, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr

    def __str__(self):
        return f"exit {self.status}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


class CanonctlTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="canonctl-")
        self.sock = os.path.join(self.tmp.name, "admin.sock")
        self.daemon = None

    def tearDown(self):
        if self.daemon:
            self.daemon.stop()
        self.tmp.cleanup()

    def serve(self, reply=None, **kwargs):
        """Starts the fake canond answering every request with `reply`."""
        answer = kwargs.pop("answer", None) or (lambda _request: line(reply))
        self.daemon = FakeCanond(self.sock, answer=answer, **kwargs)

    def ctl(self, *args, **kwargs):
        return Run(["--socket", self.sock, *args], **kwargs)

    def request(self):
        self.assertEqual(len(self.daemon.requests), 1, self.daemon.requests)
        return json.loads(self.daemon.requests[0])

    # ---- nobody to talk to: exit 3 --------------------------------------------------------

    def test_no_daemon(self):
        run = self.ctl("status")
        self.assertEqual(run.status, 3, run)
        self.assertIn(f"canond is not running at {self.sock}", run.stderr)
        self.assertEqual(run.stdout, "")

    def test_socket_from_environment_and_flag_wins(self):
        elsewhere = os.path.join(self.tmp.name, "other.sock")
        run = Run(["status"], env={"CANONCTL_SOCKET": elsewhere})
        self.assertEqual(run.status, 3, run)
        self.assertIn(f"canond is not running at {elsewhere}", run.stderr)
        run = Run(["--socket", self.sock, "status"], env={"CANONCTL_SOCKET": elsewhere})
        self.assertIn(f"canond is not running at {self.sock}", run.stderr)

    def test_path_is_a_regular_file(self):
        with open(self.sock, "w", encoding="utf-8") as f:
            f.write("not a socket\n")
        run = self.ctl("status")
        self.assertEqual(run.status, 3, run)
        self.assertIn(f"canond is not running at {self.sock}", run.stderr)
        self.assertIn("not a socket", run.stderr)

    def test_stale_socket_nobody_listens(self):
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(self.sock)  # the file stays; nothing listens (canond died)
        stale.close()
        run = self.ctl("status")
        self.assertEqual(run.status, 3, run)
        self.assertIn(f"canond is not running at {self.sock}", run.stderr)
        self.assertIn("nothing listens", run.stderr)

    def test_turned_away_by_canond(self):
        self.serve(greeting=DENIED)
        run = self.ctl("status")
        self.assertEqual(run.status, 3, run)
        self.assertIn(DENIED["error"], run.stderr)

    def test_closed_without_answering(self):
        self.serve(answer=lambda _request: None)
        run = self.ctl("status")
        self.assertEqual(run.status, 3, run)
        self.assertIn("canond closed the connection without answering", run.stderr)

    def test_answer_that_is_not_json(self):
        garbage = ["hello there", "[1,2]", '{"no_ok":1}', '{"ok":"yes"}']
        self.serve(answer=lambda _request: garbage[len(self.daemon.requests) - 1])
        for text in garbage:
            with self.subTest(answer=text):
                run = self.ctl("status")
                self.assertEqual(run.status, 3, run)
                self.assertIn("not a response canonctl understands", run.stderr)

    def test_timeout(self):
        self.serve(silent=True)
        run = self.ctl("--timeout", "0.3", "zone-reload")
        self.assertEqual(run.status, 3, run)
        self.assertIn("did not answer within", run.stderr)

    # ---- the command line: exit 2 and 0 ----------------------------------------------------

    def test_usage_errors(self):
        for args in ([], ["--bogus", "status"], ["zone-load"], ["zone-load", "example.com"],
                     ["zone-load", "=/x"], ["zone-load", "example.com="], ["zone-drop"],
                     ["zone-check"], ["zone-check", "a=/x", "b=/y"], ["zone-reload", "a", "b"],
                     ["status", "extra"], ["stop", "now"], ["--socket"], ["--timeout", "soon", "status"],
                     ["status", "--prometheus"], ["stats", "--count", "2"], ["top", "--count", "0"],
                     ["top", "--count", "x"], ["top", "--interval", "0"], ["top", "--interval"],
                     ["top", "extra"], ["metrics", "extra"]):
            with self.subTest(args=args):
                run = Run(args, env={"CANONCTL_SOCKET": self.sock})
                self.assertEqual(run.status, 2, run)
                self.assertIn("usage: canonctl", run.stderr)
                self.assertEqual(run.stdout, "")

    def test_help(self):
        for args in (["--help"], ["-h"], ["--socket", "/x", "--help"]):
            run = Run(args)
            self.assertEqual(run.status, 0, run)
            listed = [l.split()[0] for l in run.stdout.splitlines() if l.startswith("  ") and l.strip()]
            for command in ("status", "stats", "zone-list", "zone-load", "zone-reload", "zone-drop",
                            "zone-check", "policy-reload", "stop", "top", "metrics"):
                self.assertIn(command, listed, run.stdout)

    def test_unknown_command_goes_to_canond(self):
        self.serve({"ok": False, "error": "unknown command 'frobnicate' (try: status, stats)"})
        run = self.ctl("frobnicate", "x")
        self.assertEqual(self.request(), {"command": "frobnicate", "args": ["x"]})
        self.assertEqual(run.status, 1, run)
        self.assertIn("unknown command 'frobnicate'", run.stderr)

    def test_options_after_the_command(self):
        self.serve(STATUS)
        run = Run(["status", "--json", "--socket", self.sock])
        self.assertEqual(run.status, 0, run)
        self.assertEqual(json.loads(run.stdout), STATUS)

    # ---- readable output --------------------------------------------------------------------

    def test_status(self):
        self.serve(STATUS)
        run = self.ctl("status")
        self.assertEqual(run.status, 0, run)
        self.assertEqual(self.daemon.requests, ['{"command":"status"}\n'])
        fields = dict(l.split(":", 1) for l in run.stdout.splitlines() if ":" in l and "/" not in l)
        for key, value in (("version", "0.1.0"), ("backend", "socket"), ("generation", "3"),
                           ("listen", "127.0.0.1:5353"), ("zones", "2"), ("uptime", "12.5 s")):
            self.assertEqual(fields.get(key, "").strip(), value, run.stdout)
        rows = [l.split() for l in run.stdout.splitlines()]
        self.assertIn(["example.com.", "2026112201", "42", "served", "/etc/canon/example.com.zone"], rows)
        self.assertIn(["example.net.", "7", "15", "served", "/etc/canon/example.net.zone"], rows)
        # aligned: the values of the key lines start in one column
        starts = {len(l) - len(l.split(":", 1)[1].lstrip()) for l in run.stdout.splitlines()[:8]}
        self.assertEqual(len(starts), 1, run.stdout)

    def test_zone_list(self):
        self.serve({"ok": True, "generation": 3, "zones": STATUS["zones"]})
        run = self.ctl("zone-list")
        self.assertEqual(run.status, 0, run)
        self.assertIn("2 zones in generation 3", run.stdout)
        self.assertIn(["example.com.", "2026112201", "42", "served", "/etc/canon/example.com.zone"],
                      [l.split() for l in run.stdout.splitlines()])

    def test_stats(self):
        self.serve(STATS)
        run = self.ctl("stats")
        self.assertEqual(run.status, 0, run)
        rows = [l.split() for l in run.stdout.splitlines()]
        for row in (["queries:", "1234"], ["responses:", "1230"], ["dropped:", "4"],
                    ["NOERROR", "1000", "81.3%"], ["NXDOMAIN", "230", "18.7%"],
                    ["A", "800", "65.0%"], ["AAAA", "400", "32.5%"], ["other", "30", "2.4%"],
                    ["0", "links", "1100"], ["1", "link", "120"], ["16", "links", "1"],
                    ["0", "1", "600", "598"], ["1", "2", "634", "632"]):
            self.assertTrue(any(r[:len(row)] == row for r in rows), f"{row} in\n{run.stdout}")
        for zero in ("FORMERR", "SERVFAIL", "MX", "3 links"):
            self.assertNotIn(zero, run.stdout, "zero counters are left out")
        self.assertIn("received 1200, sent 1196, send errors 0, receive errors 0", run.stdout)
        self.assertIn("accepted 3, refused over cap 0, idle closed 1, queries 34, open 2", run.stdout)

    def test_stats_new_fields(self):
        self.serve(STATS_FULL)
        run = self.ctl("stats")
        self.assertEqual(run.status, 0, run)
        rows = [l.split() for l in run.stdout.splitlines()]
        for row in (["queries:", "1234"], ["zones:", "1"], ["uptime:", "2m", "05s"],
                    ["policy", "/etc/canon/policy.toml:", "3", "rules,", "generation", "2"],
                    ["rule", "action", "matches"], ["busy", "refuse", "40"], ["block-evil", "drop", "17"]):
            self.assertTrue(any(r[:len(row)] == row for r in rows), f"{row} in\n{run.stdout}")
        self.assertLess(run.stdout.index("busy"), run.stdout.index("block-evil"), "most matches first")
        self.assertNotIn("quiet", run.stdout, "rules that never matched are left out")
        self.assertIn(["rrl:", "enabled", "true,", "limited", "9,", "slipped", "4,", "dropped", "5"], rows)
        self.assertNotIn('{"', run.stdout, "no raw JSON in the readable output")

    def test_stats_prometheus(self):
        self.serve({"ok": True, "text": METRICS_TEXT})
        for args in (["stats", "--prometheus"], ["--prometheus", "stats"], ["metrics"]):
            with self.subTest(args=args):
                run = self.ctl(*args)
                self.assertEqual(run.status, 0, run)
                self.assertEqual(json.loads(self.daemon.requests[-1]), {"command": "metrics"})
                self.assertEqual(run.stdout, METRICS_TEXT, "the text verbatim, nothing added")
                self.assertEqual(run.stderr, "")
        run = self.ctl("--json", "stats", "--prometheus")
        self.assertEqual(json.loads(run.stdout), {"ok": True, "text": METRICS_TEXT})

    def test_stats_prometheus_old_canond(self):
        self.serve({"ok": False, "error": "unknown command 'metrics' (try: status, stats)"})
        run = self.ctl("stats", "--prometheus")
        self.assertEqual(run.status, 1, run)
        self.assertEqual(run.stdout, "")
        self.assertIn("unknown command 'metrics'", run.stderr)

    def growing_stats(self):
        """Answers `stats` with counters that grow by 100 queries a request."""
        def answer(_request):
            k = len(self.daemon.requests)
            reply = json.loads(json.dumps(STATS_FULL))
            reply["queries"] = 1000 + 100 * k
            reply["responses"] = 990 + 100 * k
            reply["rcodes"]["NXDOMAIN"] = 230 + 40 * k
            reply["policy"]["matches"][0]["matches"] = 17 + 10 * k
            reply["workers"][1]["queries"] = 634 + 100 * k
            return line(reply)
        return answer

    def test_top_frames(self):
        self.serve(answer=self.growing_stats())
        run = self.ctl("top", "--interval", "0.2", "--count", "2")
        self.assertEqual(run.status, 0, run)
        self.assertEqual(self.daemon.requests, ['{"command":"stats"}\n'] * 3, "one sample, then one per frame")
        self.assertNotIn("\x1b", run.stdout, "no terminal codes when stdout is not a terminal")
        frames = [f for f in run.stdout.split("\n\n") if f.startswith("canond ")]
        self.assertEqual(len(frames), 2, run.stdout)
        self.assertTrue(frames[0].startswith("canond 0.1.0, socket backend, generation 3, 1 zone, up 2m 05s;"),
                        frames[0])
        for frame in run.stdout.split("canond 0.1.0")[1:]:
            fields = {l.split(":")[0]: l.split(":", 1)[1].split() for l in frame.splitlines() if ":" in l}
            qps = float(fields["queries/s"][0])
            # 100 queries per sample, samples about 0.2 s apart (more on a busy machine;
            # a little less when the earlier answer was slower to arrive)
            self.assertTrue(50 <= qps <= 600, frame)
            self.assertEqual(float(fields["answered/s"][0]), qps, frame)
            self.assertEqual(fields["dropped/s"][0], "0.0")
            rcodes = fields["rcodes/s"]
            self.assertEqual(rcodes[0], "NOERROR")
            self.assertAlmostEqual(float(rcodes[3].rstrip(",")), qps * 0.4, delta=0.2)  # NXDOMAIN
            rows = [l.split() for l in frame.splitlines()]
            self.assertEqual(rows[rows.index(["rule", "action", "matches/s", "total"]) + 1][0], "block-evil",
                             "the rule that moves comes first")
            self.assertIn(["0", "1", "0.0"], rows)  # worker 0 idle
            self.assertTrue(any(r[:2] == ["1", "2"] and float(r[2]) == qps for r in rows), frame)

    def test_top_when_canond_goes_away(self):
        self.serve(answer=lambda _request: line(STATS_FULL) if len(self.daemon.requests) < 3 else None)
        run = self.ctl("top", "--interval", "0.1", "--count", "5")
        self.assertEqual(run.status, 3, run)
        self.assertIn("canond closed the connection without answering", run.stderr)
        self.assertEqual(run.stdout.count("queries/s:"), 1, "one frame before it went")

    def test_top_without_canond(self):
        run = self.ctl("top", "--count", "1")
        self.assertEqual(run.status, 3, run)
        self.assertIn(f"canond is not running at {self.sock}", run.stderr)

    def test_top_stops_on_sigint(self):
        self.serve(answer=self.growing_stats())
        proc = subprocess.Popen([CANONCTL, "--socket", self.sock, "top", "--interval", "0.1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = proc.stdout.readline()
            self.assertTrue(first.startswith("canond "), first)
            proc.send_signal(signal.SIGINT)
            status = proc.wait(10)
        finally:
            proc.kill()
            proc.wait()
        self.assertEqual(status, 0, proc.stderr.read())

    def test_zone_load_published(self):
        self.serve(PUBLISHED)
        run = self.ctl("zone-load", "example.com=/x")
        self.assertEqual(self.daemon.requests, ['{"command":"zone-load","args":["example.com=/x"]}\n'])
        self.assertEqual(run.status, 0, run)
        lines = run.stdout.splitlines()
        self.assertEqual(lines[0], "generation 4 published: 2 zones, 57 records "
                                   "(load 0.010 s, compile 0.020 s)")
        self.assertIn(PUBLISHED["warnings"][0], lines)

    def test_zone_load_makes_files_absolute(self):
        """canond's working directory is not the caller's: a relative FILE is
        sent as an absolute path, an absolute one as it is."""
        self.serve(PUBLISHED)
        run = self.ctl("zone-load", "example.com=zones/a.zone", "example.net=/etc/b.zone",
                       cwd=self.tmp.name)
        self.assertEqual(run.status, 0, run)
        first, second = self.request()["args"]
        origin, file = first.split("=", 1)
        self.assertEqual(origin, "example.com")
        self.assertTrue(os.path.isabs(file) and file.endswith("/zones/a.zone"), file)
        self.assertTrue(os.path.samefile(file[:-len("/zones/a.zone")], self.tmp.name), file)
        self.assertEqual(second, "example.net=/etc/b.zone")

    def test_zone_reload_and_drop(self):
        self.serve(PUBLISHED)
        for args, request in ((["zone-reload"], {"command": "zone-reload"}),
                              (["zone-reload", "example.com"], {"command": "zone-reload", "args": ["example.com"]}),
                              (["zone-drop", "example.net"], {"command": "zone-drop", "args": ["example.net"]})):
            with self.subTest(args=args):
                run = self.ctl(*args)
                self.assertEqual(run.status, 0, run)
                self.assertEqual(json.loads(self.daemon.requests[-1]), request)
                self.assertTrue(run.stdout.startswith("generation 4 published: 2 zones, 57 records"))

    def test_zone_load_refused(self):
        self.serve(REFUSED)
        run = self.ctl("zone-load", "example.com=/etc/canon/bad.zone")
        self.assertEqual(run.status, 1, run)
        self.assertEqual(run.stdout, "")
        lines = run.stderr.splitlines()
        self.assertIn(REFUSED["error"], lines[0])
        self.assertEqual(lines[1:], FINDINGS, "each finding on its own line, as canond wrote it")

    def test_zone_check(self):
        self.serve({"ok": True, "records": 42, "findings": []})
        run = self.ctl("zone-check", "example.com=/x")
        self.assertEqual(self.request(), {"command": "zone-check", "args": ["example.com=/x"]})
        self.assertEqual((run.status, run.stdout.strip()), (0, "ok: 42 records, no errors"), run)

    def test_zone_check_warnings_only(self):
        self.serve({"ok": True, "records": 42, "findings": FINDINGS[1:]})
        run = self.ctl("zone-check", "example.com=/x")
        self.assertEqual(run.status, 0, run)
        self.assertEqual(run.stdout.splitlines(), [FINDINGS[1], "ok: 42 records, no errors, 1 warning"])

    def test_zone_check_errors(self):
        self.serve({"ok": False, "records": 42, "findings": FINDINGS})
        run = self.ctl("zone-check", "example.com=/x")
        self.assertEqual(run.status, 1, run)
        self.assertEqual(run.stdout, "")
        self.assertEqual(run.stderr.splitlines(), FINDINGS + ["refused: 42 records, 1 error, 1 warning"])

    def test_stop(self):
        self.serve({"ok": True, "stopping": True})
        run = self.ctl("stop")
        self.assertEqual((run.status, run.stdout), (0, "canond is stopping\n"), run)

    def test_json_prints_the_line_verbatim(self):
        cases = ((STATS, 0), (REFUSED, 1), (DENIED, 3))
        self.serve(answer=lambda _request: line(cases[len(self.daemon.requests) - 1][0]))
        for reply, status in cases:
            with self.subTest(reply=reply):
                run = self.ctl("--json", "zone-load", "example.com=/x")
                self.assertEqual(run.stdout, line(reply) + "\n")
                self.assertEqual(run.stderr, "")
                self.assertEqual(run.status, status, run)

    def test_unknown_shape_is_printed_as_json(self):
        odd = {"ok": True, "something": {"new": [1, 2]}}
        self.serve(odd)
        for command in ("frobnicate", "status", "zone-load"):  # status without zones, load without counts
            with self.subTest(command=command):
                run = self.ctl(command, *(["example.com=/x"] if command == "zone-load" else []))
                self.assertEqual(run.status, 0, run)
                self.assertEqual(json.loads(run.stdout), odd)


def main():
    global CANONCTL
    if len(sys.argv) < 2:
        sys.exit("usage: canonctl_test.py /path/to/canonctl [unittest args]")
    CANONCTL = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
