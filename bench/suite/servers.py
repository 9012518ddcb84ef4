"""canond, knotd and nsd on 127.0.0.1, one worker each, pinned to one CPU.

The configurations are bench/daemon's (knotd: udp-workers 1, semantic checks
off; nsd: server-count 1, rrl-ratelimit 0, minimal-responses yes). A server
is started under `taskset -c CPU` (optionally under callgrind), waited for
with a bounded probe (the probe name must answer NOERROR with an answer),
re-pinned with `taskset -a -pc` (knotd pins its workers itself), and stopped
by PID: TERM to every process of its tree, then KILL after a bounded wait.
"""
import os
import signal
import socket
import struct
import subprocess
import time

KNOT_CONF = """\
server:
    rundir: "{dir}"
    listen: 127.0.0.1@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: notice
database:
    storage: "{dir}"
template:
  - id: default
    storage: "{dir}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: {origin}
    file: "{zone}"
"""

NSD_CONF = """\
server:
    ip-address: 127.0.0.1@{port}
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonesdir: "{dir}"
    zonelistfile: "{dir}/zone.list"
    xfrdfile: "{dir}/xfrd.state"
    xfrdir: "{dir}"
    pidfile: "{dir}/nsd.pid"
    logfile: "{dir}/nsd.log"
    verbosity: 1
    # Debian's nsd limits responses to 200 qps by default.
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    # like knotd and canond: no NS/glue added to positive answers
    minimal-responses: yes
remote-control:
    control-enable: no
zone:
    name: {origin}
    zonefile: "{zone}"
"""

CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 right now."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def dns_query(port, name, qtype="A", timeout=0.5):
    """(rcode, answer count) of one UDP query to 127.0.0.1:PORT, or None."""
    types = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
    qid = int.from_bytes(os.urandom(2), "big")
    wire = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        wire += bytes([len(label)]) + label.encode()
    wire += b"\0" + struct.pack("!HH", types[qtype.upper()], 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(("127.0.0.1", port))  # connected: a closed port fails at once (ECONNREFUSED)
            s.send(wire)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                data = s.recv(65535)
                if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                    flags, _, ancount = struct.unpack("!HHH", data[2:8])
                    return flags & 0xF, ancount
        except OSError:
            return None
    return None


def tree_pids(pid):
    """PID and all its descendants (from /proc/*/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def cpu_ticks(pid):
    """utime+stime (ticks) over every thread of every process of the tree."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


def rss_kib(pid):
    """The largest VmRSS in the tree (nsd's server child holds the zone the
    parent forked to it: a sum would count those pages twice)."""
    best = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        best = max(best, int(line.split()[1]))
        except OSError:
            pass
    return best


class Server:
    name = "?"

    def __init__(self, work, zone, origin, probe, cpu=1):
        self.work, self.zone, self.origin = work, zone, origin
        self.probe = probe          # (name, type) that must answer NOERROR with data
        self.cpu = cpu
        self.proc = None
        self.port = None
        self.dir = None
        self.load_seconds = None
        self.log = None

    def config(self):
        return None

    def command(self):
        raise NotImplementedError

    def start(self, tag, wait_s, callgrind_out=None):
        """Starts the server, waits at most WAIT_S for the probe; returns the
        seconds from start to the first correct answer."""
        self.dir = os.path.join(self.work, f"{self.name}-{tag}")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.config()
        cmd = self.command()
        if callgrind_out:
            cmd = ["valgrind", "--tool=callgrind", "--separate-threads=no",
                   f"--callgrind-out-file={callgrind_out}.%p"] + cmd
        self.log = open(os.path.join(self.dir, "stderr.log"), "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(["taskset", "-c", str(self.cpu)] + cmd, cwd=self.dir,
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = t0 + wait_s
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} during start-up: "
                                   f"{self.tail()}")
            r = dns_query(self.port, *self.probe, timeout=0.2)
            if r and r[0] == 0 and r[1] > 0:
                break
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"{self.name} did not answer {self.probe[0]} within {wait_s:.0f} s")
            time.sleep(0.02)
        self.load_seconds = time.monotonic() - t0
        for p in tree_pids(self.proc.pid):  # knotd pins its workers itself
            subprocess.run(["taskset", "-a", "-pc", str(self.cpu), str(p)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self.load_seconds

    def tail(self):
        text = ""
        for f in ("stderr.log", "nsd.log"):
            try:
                with open(os.path.join(self.dir, f), errors="replace") as h:
                    text += h.read()[-1500:]
            except OSError:
                pass
        return text.strip().replace("\n", " | ")[-1500:]

    def pids(self):
        return tree_pids(self.proc.pid) if self.proc else []

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, wait_s=20):
        """TERM to every process of the tree (by PID), KILL what is left."""
        if self.proc is None:
            return
        pids = self.pids()
        self.proc.poll()
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            self.proc.poll()
            if not any(_exists(p) for p in pids if p != self.proc.pid) and self.proc.returncode is not None:
                break
            time.sleep(0.1)
        for p in pids:
            if _exists(p):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None
        if self.log:
            self.log.close()
            self.log = None


def _exists(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Canond(Server):
    name = "canond"
    binary = "canond"

    def command(self):
        return [self.binary, "--zone", f"{self.origin}={self.zone}", "--listen", f"127.0.0.1:{self.port}",
                "--workers", "1", "--cpus", str(self.cpu), "--admin-socket",
                os.path.join(self.dir, "admin.sock")]


class Knotd(Server):
    name = "knotd"

    def config(self):
        with open(os.path.join(self.dir, "knot.conf"), "w") as f:
            f.write(KNOT_CONF.format(dir=self.dir, port=self.port, origin=self.origin, zone=self.zone))

    def command(self):
        return ["knotd", "-c", os.path.join(self.dir, "knot.conf")]


class Nsd(Server):
    name = "nsd"

    def config(self):
        with open(os.path.join(self.dir, "nsd.conf"), "w") as f:
            f.write(NSD_CONF.format(dir=self.dir, port=self.port, origin=self.origin, zone=self.zone))

    def command(self):
        return ["nsd", "-d", "-c", os.path.join(self.dir, "nsd.conf")]


CLASSES = {"canond": Canond, "knotd": Knotd, "nsd": Nsd}


def make(name, work, zone, origin, probe, canond_binary, cpu=1):
    s = CLASSES[name](work, zone, origin, probe, cpu)
    if name == "canond":
        s.binary = canond_binary
    return s


def versions(canond_binary):
    def first(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            lines = [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]
            return lines[0].strip() if lines else "?"
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    dnsperf = "?"
    try:
        r = subprocess.run(["dnsperf", "-h"], capture_output=True, text=True, timeout=20)
        for line in (r.stdout + r.stderr).splitlines():
            if line.startswith("Version"):
                dnsperf = "dnsperf " + line.split()[1]
    except (OSError, subprocess.TimeoutExpired):
        pass
    return {"canond": first([canond_binary, "--version"]), "knotd": first(["knotd", "--version"]),
            "nsd": first(["nsd", "-v"]), "dnsperf": dnsperf, "valgrind": first(["valgrind", "--version"])}
