#!/usr/bin/env python3
"""canond's log under journald, and a flood summarised.

    daemon_logging.py CANOND CANONCTL EXAMPLE_ZONES_DIR

With JOURNAL_STREAM naming canond's stderr (as systemd sets it) every line
starts with its syslog priority (<3> error, <4> warning, <6> info, <7>
debug) and carries no timestamp, a broken zone's findings included; with JOURNAL_STREAM naming another stream
(a child whose stderr was redirected) the lines keep their timestamps;
--log-target journal asks for the prefixes anyway; --log-target syslog
sends datagrams to /dev/log (a private one, in a mount namespace). The same warning 30
times within a second (admin clients refused) is written at most 10 times,
and the rest is counted in a "repeated N times in the last second" line.
"""
import os
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

NOBODY_UID = 65534
PRIORITY = re.compile(r"^<([3467])>\S")
STAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z canond\[\d+\] (error|warning|info|debug): ")


def journal_stream(path):
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}"


def refused_clients(socket_path, count):
    """`count` connections as user nobody, each refused by canond."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(NOBODY_UID)
            for _ in range(count):
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(5)
                    s.connect(socket_path)
                    s.recv(4096)  # canond's error line, then it closes
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


class Logging(unittest.TestCase):
    def journal_daemon(self, env=None, args=()):
        d = h.Canond(zones={"example.com": h.example("example.com")}, args=list(args),
                     dir_mode=0o755)
        open(d.logpath, "w").close()  # its inode is what JOURNAL_STREAM names
        d.env = {"JOURNAL_STREAM": journal_stream(d.logpath)} if env is None else env
        return d

    def assert_priorities(self, text):
        lines = text.splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, PRIORITY)
        return lines

    def test_journal_stream(self):
        d = self.journal_daemon(args=["--log-level", "debug"])
        with d:
            self.assertEqual(h.kdig(d.port, "example.com").rcode, "NOERROR")
            self.assertEqual(d.ctl("zone-drop", "no-such.example").rc, 1)
        lines = self.assert_priorities(h.read(d.logpath))
        self.assertTrue(any(line.startswith("<6>ready: ") for line in lines), lines)
        self.assertTrue(any(line.startswith("<6>stopped") for line in lines), lines)

    def test_warning_and_error_priorities(self):
        work = h.tempdir()
        broken = h.write(work, "broken.zone", h.zone_text("broken.example.", 1, "www CNAME a\nwww A 192.0.2.1\n"))
        config = h.write(work, "canond.toml", f'zone = ["example.com={h.example("example.com")}", '
                                              f'"broken.example={broken}"]\n')
        d = h.Canond(config=config, args=["--admin-socket", os.path.join(work, "admin.sock")])
        d.socket = os.path.join(work, "admin.sock")
        open(d.logpath, "w").close()
        d.env = {"JOURNAL_STREAM": journal_stream(d.logpath)}
        with d:
            h.write(work, "canond.toml", "zone = [ this is not toml\n")
            self.assertEqual(d.ctl("reload").rc, 1)  # an error: the config does not parse
        lines = self.assert_priorities(h.read(d.logpath))
        self.assertTrue(any(line.startswith("<3>reload: config not reloaded") for line in lines), lines)
        # The zone's findings at start-up, as canon-checkzone words them.
        self.assertTrue(any(line.startswith("<3>") and "[cname-and-other]" in line for line in lines), lines)
        self.assertTrue(any(line.startswith("<3>canond: 1 zone(s) with errors") for line in lines), lines)

    def test_other_stream_keeps_timestamps(self):
        d = self.journal_daemon(env={"JOURNAL_STREAM": "1:1"})
        with d:
            pass
        for line in h.read(d.logpath).splitlines():
            self.assertRegex(line, STAMPED)

    def test_log_target_journal(self):
        d = self.journal_daemon(env={}, args=["--log-target", "journal"])
        with d:
            pass
        self.assert_priorities(h.read(d.logpath))

    def test_syslog(self):
        """log-target syslog: datagrams to /dev/log, facility daemon. canond
        runs in a mount namespace whose /dev/log is the test's socket (the
        host's /dev is not touched), with no zones: one warning."""
        if os.geteuid() != 0 or not h.shutil.which("unshare"):
            self.skipTest("needs root and unshare for a private /dev/log")
        work = h.tempdir(0o755)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(os.path.join(work, "log.sock"))
        try:
            d = h.Canond(args=["--log-target", "syslog"], prefix=[
                "unshare", "--mount", "--propagation", "private", "sh", "-c",
                f'mount -t tmpfs none /dev && ln -s {work}/log.sock /dev/log && exec "$0" "$@"'])
            messages = []
            with d:
                pass
            listener.settimeout(5)
            while not any(m.endswith(": stopped") for m in messages):
                try:
                    messages.append(listener.recv(4096).decode())
                except socket.timeout:
                    break
        finally:
            listener.close()
        # <PRI> = facility daemon (3 << 3) + severity; then syslog's stamp and ident.
        syslog_line = re.compile(r"^<(\d+)>\w{3} [ \d]\d \d\d:\d\d:\d\d canond\[\d+\]: ")
        for m in messages:
            self.assertRegex(m, syslog_line)
        self.assertTrue(any(m.startswith("<28>") and "no zones given" in m for m in messages), messages)
        self.assertTrue(any(m.startswith("<30>") and ": ready: " in m for m in messages), messages)
        self.assertTrue(any(m.endswith(": stopped") for m in messages), messages)
        self.assertEqual(h.read(d.logpath).strip(), "", "syslog and stderr both written")

    def test_flood_summarised(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to connect as nobody")
        d = self.journal_daemon()
        with d:
            os.chmod(d.socket, 0o666)  # so that canond's own check refuses them
            self.assertEqual(refused_clients(d.socket, 30), 0)
            message = f"<4>admin: refused a client with uid {NOBODY_UID}"

            def summary():
                return re.findall(re.escape(message) + r" \(repeated (\d+) times in the last second\)",
                                  h.read(d.logpath))
            counts = h.wait_for("the repeat summary", summary, seconds=10)
            text = h.read(d.logpath)
        written = sum(1 for line in text.splitlines() if line == message)
        self.assertLessEqual(written, 2 * 10, text)  # 10 per second, the burst may span two
        self.assertEqual(written + sum(int(c) for c in counts), 30, text)


if __name__ == "__main__":
    h.main()
