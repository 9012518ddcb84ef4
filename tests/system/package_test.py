#!/usr/bin/env python3
"""The Debian package: tools/build-deb's .deb holds what an edge host needs.

    package_test.py SOURCE_ROOT BUILD_ROOT

Builds the package from BUILD_ROOT's binaries (tools/build-deb --build-dir;
CANON_DEB=FILE tests a built one instead), then: `dpkg-deb -c` lists every
file the package promises; lintian reports no error (its warnings are
printed); `systemd-analyze verify` accepts the unit inside the package's
tree and `systemd-analyze security` rates its exposure 2.5 or better; the
man pages render; the packaged canond checks the packaged sample config;
the unit's ExecStart line run as user canon with only CAP_NET_BIND_SERVICE
(setpriv) answers on a port below 1024 over 127.0.0.1 and ::1 and then
holds no capability. CANON_PACKAGE_INSTALL=1 also installs the package
into a fresh Debian 12 root made by mmdebstrap from the archive in
/etc/apt (minutes and a download: opt-in) and runs `canond --check-config
--config /etc/canon/canond.toml` and `man canond` there.
"""
import grp
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = BUILD = None
DEB = None
WORK = None

FILES = [
    "usr/sbin/canond", "usr/bin/canonctl", "usr/bin/canon-checkzone", "usr/bin/canon-query",
    "etc/canon/canond.toml", "etc/canon/zones/example.com.zone", "etc/canon/zones/example.net.zone",
    "lib/systemd/system/canond.service", "usr/lib/sysusers.d/canon.conf",
    "usr/lib/tmpfiles.d/canon.conf", "var/lib/canon/",
    "usr/share/man/man8/canond.8.gz", "usr/share/man/man8/canonctl.8.gz",
    "usr/share/man/man1/canon-checkzone.1.gz", "usr/share/man/man1/canon-query.1.gz",
    "usr/share/doc/canon/copyright", "usr/share/doc/canon/changelog.gz",
    "usr/share/doc/canon/README.DPDK", "usr/share/doc/canon/examples/canond-hugepages.service",
    "usr/share/doc/canon/examples/canond-dpdk.conf",
]
UNIT_MUST = ["Type=notify", "ExecStart=/usr/sbin/canond --config /etc/canon/canond.toml",
             "ExecReload=/usr/bin/canonctl", "RuntimeDirectory=canond", "StateDirectory=canon",
             "User=canon", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
             "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "NoNewPrivileges=yes",
             "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes"]


def run(cmd, seconds=300, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=seconds, **kw)


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


def udp_query(addr, port, name, qtype=1):
    """(rcode, answer count) of one A query over UDP, or None (no dnspython
    needed: the package test runs where only the package's tools are)."""
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"
    message = struct.pack(">HHHHHH", 0x2020, 0x0100, 1, 0, 0, 0) + question + struct.pack(">HH", qtype, 1)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        try:
            s.sendto(message, (addr, port))
            reply = s.recv(4096)
        except OSError:
            return None
    if len(reply) < 12 or reply[:2] != message[:2]:
        return None
    flags, _, ancount = struct.unpack(">HHH", reply[2:8])
    return flags & 0xF, ancount


def setUpModule():
    global DEB, WORK
    WORK = tempfile.mkdtemp(prefix="canon-package-")
    DEB = os.environ.get("CANON_DEB")
    if not DEB:
        r = run([os.path.join(SOURCE, "tools", "build-deb"), "--build-dir", BUILD, "--out", WORK], 600)
        if r.returncode != 0:
            raise AssertionError(f"tools/build-deb failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        DEB = next(os.path.join(WORK, f) for f in os.listdir(WORK) if f.endswith(".deb"))
    tree = os.path.join(WORK, "tree")
    r = run(["dpkg-deb", "-x", DEB, tree])
    assert r.returncode == 0, r.stderr


def tearDownModule():
    if WORK and not os.environ.get("CANON_KEEP"):
        shutil.rmtree(WORK, ignore_errors=True)


def tree(path=""):
    return os.path.join(WORK, "tree", path)


class Package(unittest.TestCase):
    def test_name_and_contents(self):
        self.assertRegex(os.path.basename(DEB), r"^canon_\d+\.\d+\.\d+_amd64\.deb$")
        r = run(["dpkg-deb", "-c", DEB])
        self.assertEqual(r.returncode, 0, r.stderr)
        listed = {line.split()[-1].removeprefix("./") for line in r.stdout.splitlines()}
        missing = [f for f in FILES if f not in listed]
        self.assertEqual(missing, [], r.stdout)
        info = run(["dpkg-deb", "-f", DEB, "Depends"]).stdout
        for library in ("libc6", "libhyperscan5", "libzscanner", "librte-eal", "libtomlplusplus"):
            self.assertIn(library, info)
        r = run(["dpkg-deb", "-I", DEB, "conffiles"])
        self.assertIn("/etc/canon/canond.toml", r.stdout)

    def test_lintian(self):
        if not shutil.which("lintian"):
            self.skipTest("lintian is not installed (tools/install-deps)")
        r = run(["lintian", "--tag-display-limit", "0", DEB], 300)
        errors = [line for line in r.stdout.splitlines() if line.startswith("E:")]
        warnings = [line for line in r.stdout.splitlines() if line.startswith("W:")]
        for line in warnings:
            print("lintian " + line)
        self.assertEqual(errors, [], r.stdout + r.stderr)

    def test_unit(self):
        unit = tree("lib/systemd/system/canond.service")
        with open(unit) as f:
            text = f.read()
        for line in UNIT_MUST:
            self.assertIn(line, text)
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze is not installed (package systemd)")
        # Inside the package's tree, so ExecStart's /usr/sbin/canond is the
        # packaged one; units the tree lacks (sysinit.target) are not judged.
        r = run(["systemd-analyze", "verify", "--man=no", "--recursive-errors=no", f"--root={tree()}",
                 unit], 120)
        self.assertEqual((r.returncode, r.stderr.strip()), (0, ""), r.stdout + r.stderr)
        # systemd's own judgement of the hardening (0 best, 10 worst; 1.6 when written).
        r = run(["systemd-analyze", "security", "--offline=yes", f"--root={tree()}", unit], 120)
        m = re.search(r"Overall exposure level for canond.service: ([\d.]+)", r.stdout)
        self.assertTrue(m, r.stdout + r.stderr)
        self.assertLessEqual(float(m.group(1)), 2.5, r.stdout)

    def test_man_pages(self):
        if not shutil.which("man"):
            self.skipTest("man is not installed")
        for page, program in (("man8/canond.8.gz", "canond"), ("man8/canonctl.8.gz", "canonctl"),
                              ("man1/canon-checkzone.1.gz", "canon-checkzone")):
            r = run(["man", "-l", tree("usr/share/man/" + page)], 60,
                    env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "80"})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("SYNOPSIS", r.stdout)
            self.assertIn(program, r.stdout)
        # The page is the binary's --help: one source.
        help_text = run([tree("usr/sbin/canond"), "--help"]).stdout
        page = run(["man", "-l", tree("usr/share/man/man8/canond.8.gz")], 60,
                   env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "200"}).stdout
        self.assertIn("--check-config loads the config", help_text)
        self.assertIn("--check-config loads the config", page.replace("‐", "-"))

    def test_sample_config_checks(self):
        """The packaged canond accepts the packaged config (its zones taken
        from the tree: the command line's list replaces the file's)."""
        canond = tree("usr/sbin/canond")
        cmd = [canond, "--check-config", "--config", tree("etc/canon/canond.toml"),
               "--zone", f"example.com={tree('etc/canon/zones/example.com.zone')}",
               "--zone", f"example.net={tree('etc/canon/zones/example.net.zone')}"]
        r = run(cmd, 60)
        if r.returncode != 0 and "user 'canon' does not exist" in r.stderr:
            self.skipTest("no user canon here (the package's postinst makes it)")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("configuration OK: 2 zone(s)", r.stdout)

    def test_exec_start_as_the_unit_runs_it(self):
        """The unit's ExecStart line, as user canon with only
        CAP_NET_BIND_SERVICE (what User= and AmbientCapabilities= give),
        on the packaged config with its paths moved into the package's tree
        and its listen address onto a free port below 1024 on 127.0.0.1 and
        ::1 (53 when free): it answers, then holds no capability."""
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv")
        port = next((p for p in (53, 953, 853, 753) if port_free(p)), None)
        if port is None:
            self.skipTest("no free port below 1024")
        try:
            uid, gid = pwd.getpwnam("canon").pw_uid, grp.getgrnam("canon").gr_gid
        except KeyError:
            subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                            "--shell", "/usr/sbin/nologin", "canon"], check=True, timeout=30)
            uid, gid = pwd.getpwnam("canon").pw_uid, grp.getgrnam("canon").gr_gid
        with open(tree("lib/systemd/system/canond.service")) as f:
            exec_start = next(line.split("=", 1)[1] for line in f if line.startswith("ExecStart="))
        argv = shlex.split(exec_start)
        self.assertEqual(argv, ["/usr/sbin/canond", "--config", "/etc/canon/canond.toml"])
        run_dir = os.path.join(WORK, "run-canond")  # RuntimeDirectory=canond
        os.mkdir(run_dir, 0o750)
        os.chown(run_dir, uid, gid)
        os.chmod(WORK, 0o755)
        with open(tree("etc/canon/canond.toml")) as f:
            config = f.read()
        config = config.replace("/etc/canon/", tree("etc/canon/")).replace("/run/canond/", run_dir + "/")
        config = config.replace('listen = ["127.0.0.1:53"]', f'listen = ["127.0.0.1:{port}", "[::1]:{port}"]')
        config_path = os.path.join(WORK, "canond.toml")
        with open(config_path, "w") as f:
            f.write(config)
        os.chmod(config_path, 0o644)
        argv = [tree(argv[0].lstrip("/")), argv[1], config_path]
        setpriv = ["setpriv", "--reuid=canon", "--regid=canon", "--init-groups",
                   "--inh-caps=-all,+net_bind_service", "--ambient-caps=-all,+net_bind_service",
                   "--bounding-set=-all,+net_bind_service", "--no-new-privs"]
        log_path = os.path.join(WORK, "canond.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen(setpriv + argv, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT)
        try:
            answers = {}
            deadline = time.monotonic() + 20
            while len(answers) < 2 and time.monotonic() < deadline and proc.poll() is None:
                for addr in ("127.0.0.1", "::1"):
                    answers.setdefault(addr, None)
                    answers[addr] = answers[addr] or udp_query(addr, port, "www.example.com")
                answers = {a: r for a, r in answers.items() if r}
                time.sleep(0.2)
            with open(log_path) as f:
                log_text = f.read()
            self.assertEqual(sorted(answers), ["127.0.0.1", "::1"], log_text)
            for addr, (rcode, ancount) in answers.items():
                self.assertEqual(rcode, 0, addr)
                self.assertGreater(ancount, 0, addr)
            with open(f"/proc/{proc.pid}/status") as f:
                status = dict(line.split(":", 1) for line in f)
            self.assertEqual(status["Uid"].split()[0], str(uid))
            self.assertEqual(status["CapEff"].strip(), "0000000000000000", log_text)
            self.assertEqual(status["CapAmb"].strip(), "0000000000000000", log_text)
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=15), 0, log_text)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)

    def test_install_in_fresh_root(self):
        if not os.environ.get("CANON_PACKAGE_INSTALL"):
            self.skipTest("set CANON_PACKAGE_INSTALL=1 to install into a fresh Debian 12 root "
                          "(mmdebstrap: minutes, downloads from the archive)")
        if os.geteuid() != 0 or not shutil.which("mmdebstrap"):
            self.skipTest("needs root and mmdebstrap")
        root = os.path.join(WORK, "root")
        deb = os.path.join(WORK, os.path.basename(DEB))
        if os.path.abspath(DEB) != deb:
            shutil.copy(DEB, deb)
        hooks = [
            'chroot "$1" canond --check-config --config /etc/canon/canond.toml',
            'chroot "$1" sh -c "MANPAGER=cat MANWIDTH=80 man canond" | grep -q "canond - authoritative"',
            'chroot "$1" sh -c "MANPAGER=cat man canonctl" | grep -q SYNOPSIS',
            'chroot "$1" id canon',
            'chroot "$1" stat -c "%U:%G %a" /var/lib/canon | grep -qx "canon:canon 750"',
        ]
        # The hook mounts the .deb's folder inside the chroot, where apt reads it.
        cmd = ["mmdebstrap", "--variant=apt", "--mode=root", "--format=directory",
               "--hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount",
               f"--include=man-db,{deb}"]
        cmd += [f"--customize-hook={hook}" for hook in hooks]
        cmd += ["bookworm", root]
        r = run(cmd, 900)
        self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-4000:])
        self.assertIn("configuration OK: 2 zone(s)", r.stdout + r.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(f"usage: {sys.argv[0]} SOURCE_ROOT BUILD_ROOT [unittest args]", file=sys.stderr)
        sys.exit(2)
    SOURCE, BUILD = (os.path.abspath(a) for a in sys.argv[1:3])
    for tool in ("dpkg-deb", "dpkg-shlibdeps"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed")
            sys.exit(77)
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
