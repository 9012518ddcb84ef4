"""knotd and nsd as reference servers on 127.0.0.1, each in its own temp dir.

Each Server is started as a direct child (foreground), waited for with a
bounded SOA probe, and stopped by its own pid only (terminate, then kill).
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode

KNOT_CONF = """\
server:
    rundir: "{dir}"
    pidfile: "{dir}/knot.pid"
    listen: 127.0.0.1@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

control:
    listen: "{dir}/knot.sock"

database:
    storage: "{dir}/db"

log:
  - target: stderr
    any: info

template:
  - id: default
    storage: "{dir}/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off

zone:
{zones}"""

NSD_CONF = """\
server:
    ip-address: 127.0.0.1@{port}
    port: {port}
    do-ip4: yes
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "{dir}/zones"
    pidfile: "{dir}/nsd.pid"
    database: ""
    zonelistfile: "{dir}/zone.list"
    xfrdfile: "{dir}/xfrd.state"
    xfrdir: "{dir}"
    logfile: "{dir}/nsd.log"
    verbosity: 1
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0

remote-control:
    control-enable: no

{zones}"""


def free_port():
    """A high port free for UDP and TCP on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind(("127.0.0.1", port))
                except OSError:
                    continue
        if port > 10000:
            return port
    raise RuntimeError("no free port")


class Server:
    def __init__(self, name, binary, zones):
        self.name = name
        self.binary = binary
        self.zones = zones  # origin -> zone file text
        self.dir = None
        self.proc = None
        self.port = None
        self.log = None

    def _write(self):
        self.dir = tempfile.mkdtemp(prefix=f"canon-diff-{self.name}-")
        zdir = os.path.join(self.dir, "zones")
        os.makedirs(zdir)
        for origin, text in self.zones.items():
            with open(os.path.join(zdir, origin + ".zone"), "w") as f:
                f.write(text)
        self.port = free_port()
        conf = os.path.join(self.dir, self.name + ".conf")
        with open(conf, "w") as f:
            f.write(self.config())
        return conf

    def start(self, wait_seconds=20.0):
        conf = self._write()
        self.log = open(os.path.join(self.dir, "stderr.log"), "w+")
        self.proc = subprocess.Popen(self.command(conf), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir, start_new_session=True)
        deadline = time.monotonic() + wait_seconds
        waiting = list(self.zones)  # every zone must be loaded, not only the first
        while waiting and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.output()}")
            try:
                probe = dns.message.make_query(waiting[0], "SOA")
                r = dns.query.udp(probe, "127.0.0.1", port=self.port, timeout=0.5)
                if r.rcode() == dns.rcode.NOERROR and r.answer:
                    waiting.pop(0)
                    continue
            except (dns.exception.Timeout, OSError):
                pass
            time.sleep(0.2)
        if waiting:
            raise RuntimeError(f"{self.name} did not answer SOA for {waiting[0]} within"
                               f" {wait_seconds} s:\n{self.output()}")

    def output(self):
        if self.log is None:
            return ""
        self.log.flush()
        self.log.seek(0)
        text = self.log.read()
        extra = os.path.join(self.dir, "nsd.log")
        if os.path.exists(extra):
            with open(extra) as f:
                text += f.read()
        return text[-4000:]

    def stop(self):
        """Stops the process we started and whatever it forked (nsd forks its
        server and xfrd processes): they all live in the process group whose
        id is our child's pid, made for it by start_new_session."""
        if self.proc is None:
            return
        group = self.proc.pid
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for _ in range(50):  # forked children leave shortly after the parent
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def cleanup(self, keep=False):
        if self.dir and not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class Knot(Server):
    def __init__(self, zones):
        super().__init__("knotd", shutil.which("knotd") or "/usr/sbin/knotd", zones)

    def config(self):
        zones = "".join(f'  - domain: {o}\n    file: "{o}.zone"\n' for o in self.zones)
        return KNOT_CONF.format(dir=self.dir, port=self.port, zones=zones)

    def command(self, conf):
        return [self.binary, "-c", conf]


class Nsd(Server):
    def __init__(self, zones):
        super().__init__("nsd", shutil.which("nsd") or "/usr/sbin/nsd", zones)

    def config(self):
        zones = "".join(f'zone:\n    name: {o}\n    zonefile: "{o}.zone"\n\n' for o in self.zones)
        return NSD_CONF.format(dir=self.dir, port=self.port, zones=zones)

    def command(self, conf):
        return [self.binary, "-d", "-c", conf]

