#!/usr/bin/env python3
"""The Debian package: tools/build-deb's .deb holds what an edge host needs.

    package_test.py SOURCE_ROOT BUILD_ROOT

Builds the package from BUILD_ROOT's binaries (tools/build-deb --build-dir;
CANON_DEB=FILE tests a built one instead), then: `dpkg-deb -c` lists every
file the package promises; lintian reports no error (its warnings are
printed); `systemd-analyze verify` accepts the unit inside the package's
tree; the man pages render; the packaged canond checks the packaged sample
config. CANON_PACKAGE_INSTALL=1 also installs the package into a fresh
Debian 12 root made by mmdebstrap from the archive in /etc/apt (minutes and
a download: opt-in) and runs `canond --check-config --config
/etc/canon/canond.toml` and `man canond` there.
"""
import os
import shutil
import subprocess
import sys
import tempfile
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
