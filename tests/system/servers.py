"""canond, knotd and nsd on loopback: the one servers module of tests/system and bench/.

Everything that starts a DNS server for a test or a benchmark comes from here:
free_port, the knotd and nsd configurations, starting a server (optionally
pinned with taskset and under callgrind) and waiting for it with a bounded
probe, and stopping a process tree by PID (TERM to every process, KILL to
what is left after a bounded wait). It needs nothing beyond the standard
library (bench/ runs it with any python3; the probes are raw UDP), so
bench/suite imports it from here (sys.path), and tests import it directly:
tests may not depend on bench/, bench/ may use everything.

    python3 tests/system/servers.py free-port
    python3 tests/system/servers.py stop PID [WAIT_S]      # a tree, by PID
    python3 tests/system/servers.py tree PID               # PID and its descendants
    python3 tests/system/servers.py knot-conf DIR ORIGIN=FILE... [--listen ADDR@PORT] [--xdp IFACE]
    python3 tests/system/servers.py serve knotd|nsd ORIGIN=FILE --name HOST [--cpu N] [--wait S]
"""
import argparse
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- ports and queries -------------------------------------------------------

def free_port(v6=False):
    """A port > 10000 free right now for UDP and TCP on 127.0.0.1 (and on ::1 with V6)."""
    binds = [(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1")]
    if v6:
        binds += [(socket.AF_INET6, socket.SOCK_DGRAM, "::1"), (socket.AF_INET6, socket.SOCK_STREAM, "::1")]
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            if port <= 10000:
                continue
            try:
                for family, kind, addr in binds:
                    with socket.socket(family, kind) as s:
                        s.bind((addr, port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port on 127.0.0.1")


TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}


def dns_query(port, name, qtype="A", timeout=0.5, addr="127.0.0.1"):
    """(rcode, answer count) of one UDP query to ADDR:PORT, or None."""
    qid = int.from_bytes(os.urandom(2), "big")
    wire = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        wire += bytes([len(label)]) + label.encode()
    wire += b"\0" + struct.pack("!HH", TYPES[qtype.upper()], 1)
    with socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.connect((addr, port))  # connected: a closed port fails at once (ECONNREFUSED)
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


# --- process trees -----------------------------------------------------------

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


def _exists(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop_tree(pid, proc=None, wait_s=20):
    """TERM to PID and every descendant (by PID), KILL what is left after WAIT_S.
    PROC, the Popen of PID when we started it, is reaped."""
    pids = tree_pids(pid)
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc is not None:
            proc.poll()
        if not any(_exists(p) for p in pids):
            break
        time.sleep(0.1)
    for p in pids:
        if _exists(p):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if proc is not None:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def cpu_split(pid):
    """(utime, stime) in ticks over every thread of every process of the tree."""
    u = s = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            u += int(fields[11])
            s += int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return u, s


def cpu_ticks(pid):
    """utime+stime (ticks) over every thread of every process of the tree."""
    return sum(cpu_split(pid))


def _status_max(pid, key):
    best = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(key):
                        best = max(best, int(line.split()[1]))
        except OSError:
            pass
    return best


def rss_kib(pid):
    """The largest VmRSS in the tree (nsd's server child holds the zone the
    parent forked to it: a sum would count those pages twice)."""
    return _status_max(pid, "VmRSS:")


def hwm_kib(pid):
    """The largest VmHWM (peak RSS) in the tree."""
    return _status_max(pid, "VmHWM:")


# --- configurations ----------------------------------------------------------

def knot_conf(dir, zones=(), listen=None, xdp=None, log="notice", zone_clauses="", background_workers=1):
    """knotd.conf text: one UDP and TCP worker, BACKGROUND_WORKERS (None:
    knotd's default, one per CPU), zone files loaded whole, no journal, no
    semantic checks. ZONES: (origin, file) pairs, or ZONE_CLAUSES, a ready
    `zone:` section. LISTEN 'ADDR@PORT'; XDP an interface for knotd's XDP mode."""
    text = (f'server:\n    rundir: "{dir}"\n    pidfile: "{dir}/knot.pid"\n'
            + (f"    listen: {listen}\n" if listen else "")
            + "    udp-workers: 1\n    tcp-workers: 1\n"
            + (f"    background-workers: {background_workers}\n" if background_workers else "")
            + (f"xdp:\n    listen: {xdp}\n" if xdp else "")
            + f'control:\n    listen: "{dir}/knot.sock"\n'
            + f"log:\n  - target: stderr\n    any: {log}\n"
            + f'database:\n    storage: "{dir}"\n'
            + f'template:\n  - id: default\n    storage: "{dir}"\n    zonefile-sync: -1\n'
            + "    zonefile-load: whole\n    journal-content: none\n    semantic-checks: off\n")
    if zones:
        text += "zone:\n" + "".join(f'  - domain: {o}\n    file: "{f}"\n' for o, f in zones)
    return text + zone_clauses


def nsd_conf(dir, port, zones=(), minimal_responses=False, verbosity=1, zone_clauses=""):
    """nsd.conf text: one server process, IPv4 on 127.0.0.1@PORT, no RRL
    (Debian's nsd limits responses to 200 qps by default), no remote control.
    MINIMAL_RESPONSES: no NS/glue added to positive answers (as knotd and canond)."""
    text = (f'server:\n    ip-address: 127.0.0.1@{port}\n    port: {port}\n    do-ip4: yes\n    do-ip6: no\n'
            '    server-count: 1\n    username: ""\n    chroot: ""\n    database: ""\n'
            f'    zonesdir: "{dir}"\n    zonelistfile: "{dir}/zone.list"\n    xfrdfile: "{dir}/xfrd.state"\n'
            f'    xfrdir: "{dir}"\n    pidfile: "{dir}/nsd.pid"\n    logfile: "{dir}/nsd.log"\n'
            f"    verbosity: {verbosity}\n    rrl-ratelimit: 0\n    rrl-whitelist-ratelimit: 0\n"
            + ("    minimal-responses: yes\n" if minimal_responses else "")
            + "remote-control:\n    control-enable: no\n")
    text += "".join(f'zone:\n    name: {o}\n    zonefile: "{f}"\n' for o, f in zones)
    return text + zone_clauses


# --- servers -----------------------------------------------------------------

class Server:
    """One server on 127.0.0.1. ZONES: (origin, file) pairs. PROBES: (name,
    type) pairs that must each answer NOERROR with data before start() returns
    (default: every zone's SOA). CPU: pin the server there (taskset -c, then
    taskset -a -pc on every process once it answers: knotd pins its workers
    itself). Started in a new session; stopped by PID, its whole tree."""
    name = "?"

    def __init__(self, zones, work=None, probes=None, cpu=None):
        self.zones = list(zones)
        self.work = work
        self.probes = list(probes) if probes else [(o, "SOA") for o, _ in self.zones]
        self.cpu = cpu
        self.proc = None
        self.port = None
        self.dir = None
        self.load_seconds = None
        self.log = None

    def config(self):
        """Writes the configuration into self.dir (none for canond)."""

    def command(self):
        raise NotImplementedError

    def start(self, wait_s=20.0, tag=None, callgrind_out=None):
        """Starts the server, waits at most WAIT_S for every probe; returns the
        seconds from start to the last probe's first correct answer."""
        if tag is not None:
            self.dir = os.path.join(self.work, f"{self.name}-{tag}")
            os.makedirs(self.dir, exist_ok=True)
        else:
            self.dir = tempfile.mkdtemp(prefix=f"canon-{self.name}-", dir=self.work)
        self.port = free_port()
        self.config()
        cmd = self.command()
        if callgrind_out:
            cmd = ["valgrind", "--tool=callgrind", "--separate-threads=no",
                   f"--callgrind-out-file={callgrind_out}.%p"] + cmd
        if self.cpu is not None:
            cmd = ["taskset", "-c", str(self.cpu)] + cmd
        self.log = open(os.path.join(self.dir, "stderr.log"), "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        waiting = list(self.probes)
        while waiting:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} during start-up: "
                                   f"{self.tail()}")
            r = dns_query(self.port, *waiting[0], timeout=0.2)
            if r and r[0] == 0 and r[1] > 0:
                waiting.pop(0)
                continue
            if time.monotonic() > t0 + wait_s:
                self.stop()
                raise TimeoutError(f"{self.name} did not answer {waiting[0][0]} {waiting[0][1]} within "
                                   f"{wait_s:.0f} s: {self.tail()}")
            time.sleep(0.02)
        self.load_seconds = time.monotonic() - t0
        if self.cpu is not None:
            for p in tree_pids(self.proc.pid):
                subprocess.run(["taskset", "-a", "-pc", str(self.cpu), str(p)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self.load_seconds

    def tail(self, chars=1500):
        """The end of the server's logs, on one line."""
        return self.output(chars).strip().replace("\n", " | ")

    def output(self, chars=4000):
        text = ""
        for f in ("stderr.log", "nsd.log"):
            try:
                with open(os.path.join(self.dir or "", f), errors="replace") as h:
                    text += h.read()
            except OSError:
                pass
        return text[-chars:]

    def pids(self):
        return tree_pids(self.proc.pid) if self.proc else []

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, wait_s=20):
        if self.proc is not None:
            stop_tree(self.proc.pid, self.proc, wait_s)
            self.proc = None
        if self.log:
            self.log.close()
            self.log = None

    def cleanup(self, keep=False):
        if self.dir and not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class Canond(Server):
    name = "canond"
    binary = "canond"

    def command(self):
        cmd = [self.binary]
        for o, f in self.zones:
            cmd += ["--zone", f"{o}={f}"]
        cmd += ["--listen", f"127.0.0.1:{self.port}", "--workers", "1"]
        if self.cpu is not None:
            cmd += ["--cpus", str(self.cpu)]
        return cmd + ["--admin-socket", os.path.join(self.dir, "admin.sock")]


class Knotd(Server):
    name = "knotd"
    log_level = "notice"

    def config(self):
        with open(os.path.join(self.dir, "knot.conf"), "w") as f:
            f.write(knot_conf(self.dir, self.zones, listen=f"127.0.0.1@{self.port}", log=self.log_level))

    def command(self):
        return [shutil.which("knotd") or "/usr/sbin/knotd", "-c", os.path.join(self.dir, "knot.conf")]


class NsdServer(Server):
    name = "nsd"
    minimal_responses = False

    def config(self):
        with open(os.path.join(self.dir, "nsd.conf"), "w") as f:
            f.write(nsd_conf(self.dir, self.port, self.zones, self.minimal_responses))

    def command(self):
        return [shutil.which("nsd") or "/usr/sbin/nsd", "-d", "-c", os.path.join(self.dir, "nsd.conf")]


class BenchNsd(NsdServer):
    """nsd as the benchmarks run it: like knotd and canond, no NS/glue added to positive answers."""
    minimal_responses = True


CLASSES = {"canond": Canond, "knotd": Knotd, "nsd": BenchNsd}


def make(name, work, zone, origin, probe, canond_binary, cpu=1):
    """A benchmark's server: one zone, one probe name, pinned to CPU."""
    s = CLASSES[name]([(origin, zone)], work, [probe], cpu)
    if name == "canond":
        s.binary = canond_binary
    return s


# --- the differential test's peers: zone texts written into the server's dir ----

class _TextZones:
    def __init__(self, zones):
        self.texts = zones  # origin -> zone file text
        super().__init__([(o, f"{o}.zone") for o in zones])

    def config(self):
        for origin, text in self.texts.items():
            with open(os.path.join(self.dir, origin + ".zone"), "w") as f:
                f.write(text)
        super().config()


class Knot(_TextZones, Knotd):
    log_level = "info"


class Nsd(_TextZones, NsdServer):
    pass


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


# --- command line, for bench/'s shell scripts ------------------------------------

def _zone_arg(text):
    origin, _, path = text.partition("=")
    return origin, os.path.abspath(path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("free-port")
    st = sub.add_parser("stop")
    st.add_argument("pid", type=int)
    st.add_argument("wait", type=float, nargs="?", default=20)
    sub.add_parser("tree").add_argument("pid", type=int)
    kc = sub.add_parser("knot-conf")
    kc.add_argument("dir")
    kc.add_argument("zone", type=_zone_arg, nargs="+")
    kc.add_argument("--listen")
    kc.add_argument("--xdp")
    kc.add_argument("--log", default="info")
    sv = sub.add_parser("serve", help="start, wait for --name, print load_s/rss_kb/hwm_kb, stop")
    sv.add_argument("server", choices=["knotd", "nsd"])
    sv.add_argument("zone", type=_zone_arg)
    sv.add_argument("--name", required=True, help="a name of the zone that must answer A")
    sv.add_argument("--cpu", type=int)
    sv.add_argument("--wait", type=float, default=180)
    a = ap.parse_args(argv)
    if a.cmd == "free-port":
        print(free_port())
    elif a.cmd == "stop":
        stop_tree(a.pid, wait_s=a.wait)
    elif a.cmd == "tree":
        print("\n".join(str(p) for p in tree_pids(a.pid)))
    elif a.cmd == "knot-conf":
        os.makedirs(a.dir, exist_ok=True)
        with open(os.path.join(a.dir, "knot.conf"), "w") as f:
            f.write(knot_conf(a.dir, a.zone, listen=a.listen, xdp=a.xdp, log=a.log))
    else:
        origin = a.zone[0]
        s = (Knotd if a.server == "knotd" else NsdServer)([a.zone], probes=[(origin, "SOA")], cpu=a.cpu)
        try:
            load = s.start(a.wait)
            time.sleep(1)  # let the loader's last frees land
            rss, hwm = rss_kib(s.proc.pid), hwm_kib(s.proc.pid)
            r = dns_query(s.port, a.name, "A", timeout=2)
            if not (r and r[0] == 0 and r[1] > 0):
                sys.exit(f"{a.server}: no answer for {a.name}")
        finally:
            s.stop()
            s.cleanup()
        print(f"load_s={load:.2f}\nrss_kb={rss}\nhwm_kb={hwm}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
