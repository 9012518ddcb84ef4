"""Primaries for the secondary-zone tests (tests/system/daemon_secondary.py):
knotd as a real primary (TSIG, journal, NOTIFY to canond, changes through
knotc), and a scripted one in Python that answers SOA, AXFR and IXFR with
whatever a test hands it, cut, malformed or signed with the wrong key.
Loopback only; processes are started through the harness (killed by pid)."""
import base64
import os
import shutil
import socket
import struct
import subprocess
import threading
import time

import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring
import dns.zone

SECRET = base64.b64encode(b"canon-edge-key-secret-0123456789").decode()
KEY_NAME = "edge-key"


def keyring(secret=SECRET):
    return dns.tsigkeyring.from_text({KEY_NAME: ("hmac-sha256", secret)})


class Knot:
    """knotd serving ZONE (origin → text) as a primary on 127.0.0.1:self.port,
    transfers allowed to 127.0.0.1 with the key (and, with open_transfer,
    without), NOTIFY sent to 127.0.0.1:NOTIFY_PORT signed with the key."""

    def __init__(self, harness, zones, notify_port=None, key=True, open_transfer=False):
        self.h = harness
        self.dir = harness.tempdir()
        self.port = harness.free_port()
        self.zones = zones
        self.conf = os.path.join(self.dir, "knot.conf")
        self.logpath = os.path.join(self.dir, "knotd.log")
        key_ref = "    key: edge-key\n" if key else ""
        text = (f'server:\n    rundir: "{self.dir}"\n    pidfile: "{self.dir}/knot.pid"\n'
                f"    listen: 127.0.0.1@{self.port}\n    udp-workers: 1\n    tcp-workers: 1\n"
                "    background-workers: 1\n"
                f'control:\n    listen: "{self.dir}/knot.sock"\n'
                "log:\n  - target: stderr\n    any: info\n"
                f'database:\n    storage: "{self.dir}/db"\n'
                f"key:\n  - id: edge-key\n    algorithm: hmac-sha256\n    secret: {SECRET}\n"
                + (f"remote:\n  - id: canond\n    address: 127.0.0.1@{notify_port}\n{key_ref}" if notify_port else "")
                + "acl:\n  - id: transfer\n    address: 127.0.0.1\n" + key_ref + "    action: transfer\n"
                + ("  - id: open\n    address: 127.0.0.1\n    action: transfer\n" if open_transfer else "")
                + f'template:\n  - id: default\n    storage: "{self.dir}"\n    zonefile-sync: -1\n'
                "    journal-content: changes\n    semantic-checks: off\n"
                "zone:\n")
        for origin, body in zones.items():
            path = harness.write(self.dir, origin + ".zone", body)
            text += (f'  - domain: {origin}\n    file: "{path}"\n'
                     + ("    notify: canond\n" if notify_port else "")
                     + "    acl: [transfer" + (", open" if open_transfer else "") + "]\n")
        os.makedirs(os.path.join(self.dir, "db"), exist_ok=True)
        harness.write(self.dir, "knot.conf", text)
        self.proc = None

    def start(self):
        self.log = open(self.logpath, "a")
        self.proc = self.h.spawn([shutil.which("knotd") or "/usr/sbin/knotd", "-c", self.conf],
                                 stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        origin = next(iter(self.zones))
        self.h.wait_for("knotd answers", lambda: self._answers(origin), 20)
        return self

    def _answers(self, origin):
        try:
            r = dns.query.udp(dns.message.make_query(origin, "SOA"), "127.0.0.1", port=self.port, timeout=0.5)
            return r.rcode() == 0 and r.answer
        except Exception:
            return False

    def knotc(self, *args):
        r = subprocess.run(["knotc", "-c", self.conf, *args], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError(f"knotc {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def change(self, origin, *sets):
        """One transaction: ('set'|'unset', owner, ttl, type, rdata) each; knotd bumps the serial."""
        self.knotc("zone-begin", origin)
        for op, owner, ttl, rtype, rdata in sets:
            if op == "set":
                self.knotc("zone-set", origin, owner, str(ttl), rtype, rdata)
            else:
                self.knotc("zone-unset", origin, owner, rtype, rdata)
        self.knotc("zone-commit", origin)

    def serial(self, origin):
        r = dns.query.udp(dns.message.make_query(origin, "SOA"), "127.0.0.1", port=self.port, timeout=2)
        return r.answer[0][0].serial

    def output(self):
        try:
            with open(self.logpath, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()


class Scripted:
    """A primary in Python on 127.0.0.1:self.port (TCP only). It answers SOA
    queries with self.serial and hands every AXFR or IXFR request to
    self.answer(request) → a list of wire messages (bytes) to send, or of
    ('cut', n): send only the first n octets of what follows, then close."""

    def __init__(self, harness, origin, zone_text, key=None):
        self.h = harness
        self.origin = dns.name.from_text(origin)
        self.key = key  # a keyring to read requests and sign answers with, or None
        self.sign = True  # False: answers go out unsigned even with a key
        self.set_zone(zone_text)
        self.answer = self.axfr
        self.requests = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def set_zone(self, text):
        self.zone = dns.zone.from_text(text, origin=self.origin, relativize=False)
        self.serial = self.zone.get_rdataset(self.origin, "SOA")[0].serial

    def soa_rrset(self):
        rrset = dns.rrset.RRset(self.origin, dns.rdataclass.IN, dns.rdatatype.SOA)
        rrset.update(self.zone.get_rdataset(self.origin, "SOA"))
        return rrset

    def response(self, request, rrsets, rcode=0, question=None):
        r = dns.message.make_response(request)
        if question is not None:
            r.question = question
        r.set_rcode(rcode)
        r.answer = list(rrsets)
        if self.key and self.sign:
            r.use_tsig(self.key, keyname=KEY_NAME, algorithm="hmac-sha256")
        else:  # make_response signs an answer to a signed request by itself
            r.tsig = None
            r.keyring = None
        return r

    def axfr(self, request):
        """The whole zone in one message (SOA ... SOA)."""
        rrsets = [self.soa_rrset()]
        for name, node in self.zone.nodes.items():
            for rdataset in node.rdatasets:
                if rdataset.rdtype == dns.rdatatype.SOA:
                    continue
                rrset = dns.rrset.RRset(name, rdataset.rdclass, rdataset.rdtype)
                rrset.update(rdataset)
                rrsets.append(rrset)
        rrsets.append(self.soa_rrset())
        return [self.response(request, rrsets).to_wire()]

    def _serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self._one(conn)
                except (OSError, ValueError, dns.exception.DNSException):
                    pass

    def _one(self, conn):
        head = self._read(conn, 2)
        wire = self._read(conn, struct.unpack("!H", head)[0])
        request = dns.message.from_wire(wire, keyring=self.key)
        self.requests.append(request)
        qtype = request.question[0].rdtype
        if qtype == dns.rdatatype.SOA:
            out = [self.response(request, [self.soa_rrset()]).to_wire()]
        else:
            out = self.answer(request)
        cut = None
        for item in out:
            if isinstance(item, tuple):
                cut = item[1]
                continue
            framed = struct.pack("!H", len(item)) + item
            if cut is not None:
                conn.sendall(framed[:cut])
                return
            conn.sendall(framed)

    @staticmethod
    def _read(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ValueError("closed")
            data += chunk
        return data

    def stop(self):
        self.stopping = True
        self.sock.close()
        self.thread.join(timeout=5)


class Bind:
    """BIND 9's named serving ZONE (origin → text) as a primary on
    127.0.0.1:self.port, in the foreground (-g: its log on stderr, into a
    file), transfers allowed with the key only, NOTIFY sent to
    127.0.0.1:NOTIFY_PORT signed with the key at once after each change
    (notify-delay 0). Zones are dynamic (allow-update with the key):
    change() runs nsupdate, named keeps a journal and serves IXFR from it."""

    def __init__(self, harness, zones, notify_port=None):
        self.h = harness
        self.dir = harness.tempdir()
        self.port = harness.free_port()
        self.zones = zones
        self.conf = os.path.join(self.dir, "named.conf")
        self.logpath = os.path.join(self.dir, "named.log")
        notify = (f"  notify explicit;\n  notify-delay 0;\n"
                  f"  also-notify {{ 127.0.0.1 port {notify_port} key {KEY_NAME}; }};\n"
                  if notify_port else "  notify no;\n")
        text = ("options {\n"
                f'  directory "{self.dir}";\n'
                f"  listen-on port {self.port} {{ 127.0.0.1; }};\n"
                "  listen-on-v6 { none; };\n"
                f'  pid-file "{self.dir}/named.pid";\n'
                f'  session-keyfile "{self.dir}/session.key";\n'
                f'  managed-keys-directory "{self.dir}";\n'
                "  recursion no;\n  dnssec-validation no;\n"
                + notify
                + "};\n"
                "controls { };\n"  # no rndc channel (it would take 127.0.0.1:953)
                f'key "{KEY_NAME}" {{ algorithm hmac-sha256; secret "{SECRET}"; }};\n')
        for origin, body in zones.items():
            path = harness.write(self.dir, origin + "zone", body)
            text += (f'zone "{origin}" {{\n  type primary;\n  file "{path}";\n'
                     f"  allow-transfer {{ key {KEY_NAME}; }};\n  allow-update {{ key {KEY_NAME}; }};\n}};\n")
        harness.write(self.dir, "named.conf", text)
        self.proc = None

    def start(self):
        self.log = open(self.logpath, "a")
        named = shutil.which("named") or "/usr/sbin/named"
        self.proc = self.h.spawn([named, "-g", "-n", "1", "-c", self.conf],
                                 stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        origin = next(iter(self.zones))
        self.h.wait_for("named answers", lambda: Knot._answers(self, origin), 20)
        return self

    def change(self, origin, *sets):
        """One update: ('add'|'delete', owner, ttl, type, rdata) each; named bumps the serial."""
        lines = [f"server 127.0.0.1 {self.port}", f"zone {origin}"]
        for op, owner, ttl, rtype, rdata in sets:
            name = owner if owner.endswith(".") else f"{owner}.{origin}"
            lines.append(f"update {op} {name} {ttl if op == 'add' else ''} {rtype} {rdata}")
        lines.append("send")
        r = subprocess.run(["nsupdate", "-y", f"hmac-sha256:{KEY_NAME}:{SECRET}"], input="\n".join(lines) + "\n",
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError(f"nsupdate: {r.stdout}{r.stderr}")

    serial = Knot.serial
    output = Knot.output
    stop = Knot.stop


class ScriptedZones(Scripted):
    """A scripted primary for several zones at once (a catalog and its
    members): SOA for each, and AXFR (IXFR answered AXFR-style) of the zone
    the request names; REFUSED for a zone it does not have."""

    def __init__(self, harness, zones):
        self.zones = {}
        first, *_ = zones
        super().__init__(harness, first, zones[first])
        for origin, text in zones.items():
            self.put(origin, text)

    def put(self, origin, text):
        name = dns.name.from_text(origin)
        self.zones[name] = dns.zone.from_text(text, origin=name, relativize=False)

    def drop(self, origin):
        self.zones.pop(dns.name.from_text(origin), None)

    def _one(self, conn):
        head = self._read(conn, 2)
        request = dns.message.from_wire(self._read(conn, struct.unpack("!H", head)[0]))
        self.requests.append(request)
        name = request.question[0].name
        zone = self.zones.get(name)
        if zone is None:
            out = self.response(request, [], rcode=dns.rcode.NOTAUTH)
        else:
            soa = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.SOA)
            soa.update(zone.get_rdataset(name, "SOA"))
            rrsets = [soa]
            if request.question[0].rdtype != dns.rdatatype.SOA:
                for owner, node in zone.nodes.items():
                    for rdataset in node.rdatasets:
                        if rdataset.rdtype != dns.rdatatype.SOA:
                            rrset = dns.rrset.RRset(owner, rdataset.rdclass, rdataset.rdtype)
                            rrset.update(rdataset)
                            rrsets.append(rrset)
                rrsets.append(soa)
            out = self.response(request, rrsets)
        wire = out.to_wire()
        conn.sendall(struct.pack("!H", len(wire)) + wire)
