"""Shared harness of the canond system tests (tests/system/daemon_*.py).

    daemon_SCENARIO.py CANOND CANONCTL EXAMPLE_ZONES_DIR [unittest args]

Canond starts the daemon on a free loopback port with its own admin socket in
a temp dir, waits (bounded) until `canonctl status` succeeds, and stops it
with SIGTERM, checking exit status 0. Every process started here is recorded
and killed by its pid at exit, whatever happens. DNS traffic goes to 127.0.0.1
and ::1 only. CANON_KEEP=1 keeps the temp dirs (zones, daemon logs).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers  # noqa: E402  (the one servers module: free_port)
import system_python  # noqa: E402

system_python.ensure_dnspython("daemon tests")

import atexit  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unittest  # noqa: E402

import dns.exception  # noqa: E402
import dns.flags  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

CANOND = CANONCTL = EXAMPLES = None  # set by main() from argv
START_SECONDS = 20.0  # ASan builds start slowly
STOP_SECONDS = 15.0

_procs = []  # every Popen started here; killed by pid at exit
_dirs = []


def _cleanup():
    for p in _procs:
        if p.poll() is None:
            p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
    if not os.environ.get("CANON_KEEP"):
        for d in _dirs:
            shutil.rmtree(d, ignore_errors=True)
    elif _dirs:
        print("kept: " + " ".join(_dirs), file=sys.stderr)


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # meson's timeout: run atexit


def spawn(args, **kw):
    """Popen recorded for the kill at exit."""
    p = subprocess.Popen(args, **kw)
    _procs.append(p)
    return p


def tempdir(mode=0o700):
    d = tempfile.mkdtemp(prefix="canon-daemon-")
    os.chmod(d, mode)
    _dirs.append(d)
    return d


def free_port():
    """A port > 10000 free right now for UDP and TCP on 127.0.0.1 and ::1."""
    return servers.free_port(v6=True)


def example(name):
    """Path of a bundled example zone file: example('example.com')."""
    return os.path.join(EXAMPLES, name + ".zone")


def read(path):
    with open(path) as f:
        return f.read()


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def zone_text(origin, serial, body, ttl=3600):
    """A small valid zone: SOA, NS with glue, then body (lines relative to origin)."""
    return (f"$ORIGIN {origin}\n$TTL {ttl}\n"
            f"@ IN SOA ns1 hostmaster {serial} 7200 3600 1209600 300\n"
            f"@ IN NS ns1\nns1 IN A 192.0.2.53\n" + body)


class Ctl:
    """One canonctl run."""

    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __str__(self):
        return f"exit {self.rc}\nstdout: {self.out}\nstderr: {self.err}"


def canonctl(socket_path, *args, as_nobody=False, timeout=60):
    cmd = [CANONCTL, "--socket", socket_path, *args]
    if as_nobody:
        cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd]
    return Ctl(subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL))


class Canond:
    """canond on loopback. Zones {origin: path}; listen None = a free port on
    127.0.0.1 (self.port), [] = no --listen. The admin socket is self.socket,
    admin.sock in its own temp dir; with a config file (--config, passed first)
    --admin-socket is left out: the file must name self.socket."""

    def __init__(self, zones=None, listen=None, config=None, args=(), dir_mode=0o700, prefix=(),
                 start_seconds=START_SECONDS, env=None):
        self.dir = tempdir(dir_mode)
        self.start_seconds = start_seconds  # how long start() waits for `canonctl status`
        self.port = free_port()
        self.listen = [f"127.0.0.1:{self.port}"] if listen is None else listen
        self.socket = os.path.join(self.dir, "admin.sock")
        self.config = config
        self.zones = zones or {}
        self.args = list(args)
        self.prefix = list(prefix)  # e.g. ip netns exec NS (which execs canond: same pid)
        self.env = env  # variables added to canond's environment (NOTIFY_SOCKET, ...)
        self.proc = None
        self.logpath = os.path.join(self.dir, "canond.log")

    def command(self):
        cmd = self.prefix + [CANOND] + (["--config", self.config] if self.config else [])
        for origin, path in self.zones.items():
            cmd += ["--zone", f"{origin}={path}"]
        for addr in self.listen:
            cmd += ["--listen", addr]
        if not self.config:
            cmd += ["--admin-socket", self.socket]
        return cmd + self.args

    def start(self):
        with open(self.logpath, "w") as log:
            self.proc = spawn(self.command(), stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT, cwd=self.dir,
                              env={**os.environ, **self.env} if self.env else None)
        deadline = time.monotonic() + self.start_seconds
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"canond exited with {self.proc.returncode} at start-up:\n"
                                     f"{' '.join(self.command())}\n{self.log()}")
            last = self.ctl("status", timeout=10)
            if last.rc == 0:
                return self
            time.sleep(0.2)
        raise AssertionError(f"`canonctl status` did not succeed within {self.start_seconds} s:\n"
                             f"{last}\ncanond log:\n{self.log()}")

    def ctl(self, *args, **kw):
        return canonctl(self.socket, *args, **kw)

    def ok(self, *args):
        """canonctl --json ARGS, which must exit 0: the response object."""
        r = self.ctl("--json", *args)
        if r.rc != 0:
            raise AssertionError(f"canonctl {' '.join(args)}: {r}\ncanond log:\n{self.log()}")
        return r.json()

    def status(self):
        return self.ok("status")

    def generation(self):
        return self.status()["generation"]

    def serial(self, origin):
        for z in self.status()["zones"]:
            if z["origin"] == origin:
                return z["serial"]
        return None

    def log(self):
        if not os.path.exists(self.logpath):
            return ""
        return read(self.logpath)[-6000:]

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, seconds=STOP_SECONDS):
        """Exit status, or an AssertionError when it does not exit in time."""
        try:
            return self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"canond did not exit within {seconds} s:\n{self.log()}") from None

    def stop(self, sig=signal.SIGTERM):
        """Signal it and check it exits 0 in time."""
        if not self.running():
            return
        self.proc.send_signal(sig)
        rc = self.wait_exit()
        if rc != 0:
            raise AssertionError(f"canond exited {rc} after {signal.Signals(sig).name}:\n{self.log()}")

    def kill(self):
        if self.running():
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.kill()
            raise

    def __exit__(self, kind, value, tb):
        if kind is None:
            try:
                self.stop()
            finally:
                self.kill()
        else:
            self.kill()
            print(f"canond log ({' '.join(self.command())}):\n{self.log()}", file=sys.stderr)
        return False


# --- DNS --------------------------------------------------------------------

def query(port, name, rdtype="A", addr="127.0.0.1", tcp=False, edns=True, tries=2):
    """One query with dnspython; the response, or an AssertionError."""
    q = dns.message.make_query(name, rdtype, use_edns=0 if edns else False)
    for _ in range(tries):
        try:
            if tcp:
                return dns.query.tcp(q, addr, port=port, timeout=3)
            return dns.query.udp(q, addr, port=port, timeout=3)
        except dns.exception.Timeout:
            continue
    raise AssertionError(f"no answer from {addr}:{port} ({'TCP' if tcp else 'UDP'}) "
                         f"for {name} {rdtype}")


def addresses(port, name, addr="127.0.0.1"):
    """The A addresses served for name (a set), following nothing."""
    r = query(port, name, "A", addr)
    return {rd.address for rrset in r.answer if rrset.rdtype == dns.rdatatype.A for rd in rrset}


def wait_for(what, check, seconds=10.0):
    """Polls check() until it is true (bounded); AssertionError naming what."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.2)


class Kdig:
    """kdig's answer as a user reads it: status, flags and the records of each
    section as (owner, ttl, type, rdata) tuples."""

    def __init__(self, text):
        self.text = text
        m = re.search(r"status: (\w+);", text)
        self.rcode = m.group(1) if m else None
        m = re.search(r";; Flags: ([a-z ]*);", text)
        self.flags = set(m.group(1).split()) if m else set()
        self.sections = {}
        current = None
        for line in text.splitlines():
            m = re.match(r";; (\w+) SECTION:", line)
            if m:
                current = self.sections.setdefault(m.group(1), [])
            elif not line.strip() or line.startswith(";"):
                current = None
            elif current is not None:
                owner, ttl, _cls, rtype, rdata = line.split(None, 4)
                current.append((owner.lower(), int(ttl), rtype, rdata.strip()))

    def records(self, section, rtype=None):
        return [r for r in self.sections.get(section, []) if rtype is None or r[2] == rtype]

    def rdata(self, section, rtype, owner=None):
        return sorted(r[3] for r in self.records(section, rtype) if owner is None or r[0] == owner)

    def __str__(self):
        return self.text


def kdig(port, name, rdtype="A", addr="127.0.0.1", tcp=False):
    cmd = ["kdig", f"@{addr}", "-p", str(port), "+timeout=2", "+retry=1", name, rdtype]
    if tcp:
        cmd.append("+tcp")
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if run.returncode != 0 or "->>HEADER<<-" not in run.stdout:
        raise AssertionError(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    return Kdig(run.stdout)


def dnsperf(port, queryfile, seconds, extra=()):
    """Popen of dnsperf against 127.0.0.1:port; read its result with perf_result."""
    return spawn(["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queryfile,
                  "-l", str(seconds), "-q", "50", *extra],
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def perf_result(proc, seconds):
    """(completed, lost, output) of a dnsperf run, waiting for it (bounded)."""
    out, _ = proc.communicate(timeout=seconds + 60)
    completed = re.search(r"Queries completed:\s+(\d+)", out)
    lost = re.search(r"Queries lost:\s+(\d+)", out)
    if proc.returncode != 0 or not completed or not lost:
        raise AssertionError(f"dnsperf exited {proc.returncode}:\n{out}")
    return int(completed.group(1)), int(lost.group(1)), out


# --- running ----------------------------------------------------------------

def main():
    global CANOND, CANONCTL, EXAMPLES
    if len(sys.argv) < 4:
        print(f"usage: {sys.argv[0]} CANOND CANONCTL EXAMPLE_ZONES_DIR [unittest args]",
              file=sys.stderr)
        sys.exit(2)
    CANOND, CANONCTL, EXAMPLES = (os.path.abspath(a) for a in sys.argv[1:4])
    for exe in (CANOND, CANONCTL):
        if not os.access(exe, os.X_OK):
            print(f"{exe} not found (build first)", file=sys.stderr)
            sys.exit(1)
    for tool in ("kdig", "dnsperf"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed (apt-get install knot-dnsutils dnsperf)")
            sys.exit(77)
    unittest.main(argv=[sys.argv[0]] + sys.argv[4:], verbosity=2)
