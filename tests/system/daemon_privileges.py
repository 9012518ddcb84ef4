#!/usr/bin/env python3
"""canond as an unprivileged user: `user = "canon"` and systemd's way.

    daemon_privileges.py CANOND CANONCTL EXAMPLE_ZONES_DIR

Started as root with --user canon, canond opens its sockets (127.0.0.1 and
::1 on a free high port, and port 53 when it is free), then runs as canon
with CapEff 0 (/proc/PID/status) and its metrics port answering; its
admin socket is mode 0660, group canon: canonctl works for a member of
that group and is refused for user nobody. Started by setpriv as user canon with only CAP_NET_BIND_SERVICE
(what the unit's AmbientCapabilities gives), it answers on a port below
1024 and clears even that capability. A reload asking for a new listen
address is told to restart. Runs as root; creates the system user canon
(useradd --system) when it is missing.
"""
import grp
import os
import pwd
import socket
import stat
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

USER = "canon"


def ensure_user():
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                        "--shell", "/usr/sbin/nologin", USER], check=True, timeout=30)
    return pwd.getpwnam(USER).pw_uid, grp.getgrnam(USER).gr_gid


def port_free(port):
    """UDP and TCP on 127.0.0.1 and ::1."""
    try:
        for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                with socket.socket(family, kind) as s:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((addr, port))
    except OSError:
        return False
    return True


def low_port():
    """A free port below 1024: 53 when it is free, else one of a few."""
    for port in (53, 953, 853, 753, 653, 553):
        if port_free(port):
            return port
    return None


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields


class Privileges(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root: starts canond as root and as user canon")
        cls.uid, cls.gid = ensure_user()

    def group_member(self, d, *args):
        """canonctl as nobody with canon as a supplementary group."""
        cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", f"--groups={self.gid}",
               h.CANONCTL, "--socket", d.socket, *args]
        return h.Ctl(subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                                    stdin=subprocess.DEVNULL))

    def test_root_drops_to_user(self):
        port = h.free_port()
        listen = [f"127.0.0.1:{port}", f"[::1]:{port}"]
        if port_free(53):
            listen.append("127.0.0.1:53")
        metrics = h.free_port()
        d = h.Canond(zones={"example.com": h.example("example.com")}, listen=listen,
                     args=["--user", USER, "--metrics", f"127.0.0.1:{metrics}"], dir_mode=0o755)
        # A directory canond makes: it gives it to canon, so the socket can
        # be removed at exit.
        d.socket = os.path.join(d.dir, "run", "admin.sock")
        with d:
            status = proc_status(d.proc.pid)
            self.assertEqual(status["Uid"], [str(self.uid)] * 4, status["Uid"])
            self.assertEqual(status["Gid"], [str(self.gid)] * 4, status["Gid"])
            self.assertEqual(status["CapEff"], ["0000000000000000"], status)
            self.assertEqual(status["CapPrm"], ["0000000000000000"], status)
            self.assertIn("running as user canon", d.log())
            for addr in ("127.0.0.1", "::1"):
                self.assertEqual(h.kdig(port, "example.com", "SOA", addr=addr).rcode, "NOERROR")
            if "127.0.0.1:53" in listen:
                self.assertEqual(h.kdig(53, "example.com", "SOA").rcode, "NOERROR")
            with urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=10) as r:
                self.assertIn(b"canon_snapshot_generation", r.read())

            st = os.stat(d.socket)
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o660, oct(st.st_mode))
            self.assertEqual((st.st_uid, st.st_gid), (self.uid, self.gid))

            r = self.group_member(d, "status")
            self.assertEqual(r.rc, 0, r)
            r = self.group_member(d, "zone-reload")
            self.assertEqual(r.rc, 0, r)
            r = d.ctl("status", as_nobody=True)
            self.assertEqual(r.rc, 3, r)
            self.assertRegex(r.err.lower(), r"permission", r)
        self.assertFalse(os.path.exists(d.socket), "the admin socket is left behind")

    def test_reload_asks_for_restart(self):
        """A new listen address needs privileges canond gave up: restart."""
        port = h.free_port()
        work = h.tempdir(0o755)
        config = h.write(work, "canond.toml",
                         f'zone = ["example.com={h.example("example.com")}"]\n'
                         f'listen = ["127.0.0.1:{port}"]\nuser = "{USER}"\n'
                         f'admin-socket = "{work}/run/admin.sock"\n')
        os.chmod(config, 0o644)
        d = h.Canond(config=config, listen=[], dir_mode=0o755)
        d.socket = os.path.join(work, "run", "admin.sock")
        with d:
            h.write(work, "canond.toml",
                    f'zone = ["example.com={h.example("example.com")}"]\n'
                    f'listen = ["127.0.0.1:{h.free_port()}"]\nuser = "{USER}"\n'
                    f'admin-socket = "{work}/run/admin.sock"\n')
            reply = d.ok("reload")
            self.assertEqual(reply["restart_needed"], ["listen"], reply)
            self.assertIn("runs as user canon", reply["restart_warning"])
            self.assertIn("restart canond", reply["restart_warning"])
            self.assertEqual(h.kdig(port, "example.com", "SOA").rcode, "NOERROR")

    def test_unit_capabilities_only(self):
        """As systemd starts it: user canon, CAP_NET_BIND_SERVICE ambient."""
        port = low_port()
        if port is None:
            self.skipTest("no free port below 1024 on 127.0.0.1 and ::1")
        run = os.path.join(h.tempdir(0o755), "run")
        os.mkdir(run, 0o750)
        os.chown(run, self.uid, self.gid)  # RuntimeDirectory=canond
        prefix = ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups",
                  "--inh-caps=-all,+net_bind_service", "--ambient-caps=-all,+net_bind_service",
                  "--bounding-set=-all,+net_bind_service", "--no-new-privs"]
        d = h.Canond(zones={"example.com": h.example("example.com")},
                     listen=[f"127.0.0.1:{port}", f"[::1]:{port}"], prefix=prefix,
                     args=["--user", USER], dir_mode=0o755)
        d.socket = os.path.join(run, "admin.sock")
        with d:
            for addr in ("127.0.0.1", "::1"):
                self.assertEqual(h.kdig(port, "example.com", "SOA", addr=addr).rcode, "NOERROR")
            status = proc_status(d.proc.pid)
            self.assertEqual(status["Uid"][0], str(self.uid))
            self.assertEqual(status["CapEff"], ["0000000000000000"], status)
            self.assertEqual(status["CapAmb"], ["0000000000000000"], status)
            self.assertEqual(self.group_member(d, "status").rc, 0)

    def test_unknown_user(self):
        r = subprocess.run([h.CANOND, "--check-config", "--user", "no-such-user-xyz",
                            "--zone", f"example.com={h.example('example.com')}"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("user 'no-such-user-xyz' does not exist", r.stderr)
        self.assertIn("useradd --system", r.stderr)

    def test_default_socket_as_non_root(self):
        """Not root, default admin socket: the error names the path and the fix."""
        r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            h.CANOND, "--listen", f"127.0.0.1:{h.free_port()}",
                            "--zone", f"example.com={h.example('example.com')}"],
                           capture_output=True, text=True, timeout=60, cwd="/")
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("/run/canond", r.stderr, r.stderr)
        self.assertIn("--admin-socket", r.stderr, r.stderr)


if __name__ == "__main__":
    h.main()
