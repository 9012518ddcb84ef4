"""A test link of its own: two network namespaces joined by a veth pair.

    link = netns.Link("cdp")       # namespaces cdp-<pid> (client), cdps-<pid> (server)
    link.run("kdig", "@198.18.0.2", "example.com")   # in the client namespace
    link.server_prefix()           # ["ip", "netns", "exec", "cdps-<pid>"]: run the server there
    link.close()                   # also done at exit, whatever happens

The server end (`host`) sits in a namespace of its own, so what the server
under test creates there (canond's TAP with 198.18.0.2/24, its routes) can
neither disturb nor be disturbed by the machine's own network.

The namespace end gets 198.18.0.1/24 and 2001:2::1/64 (benchmarking ranges,
RFC 2544 / RFC 5180) with transmit checksum offload off, so its UDP frames
carry full checksums: a veth otherwise sends partial ones (PLATFORM-NOTES.md).

The host end is left without addresses for a DPDK PMD to drive. net_af_packet
reads a copy of each frame while the host kernel still receives the original;
since canond's TAP gives the kernel the same addresses, the kernel would
answer pings and TCP a second time. `quiet_host_stack` makes the kernel ignore
the host end (IPv6 off, strict reverse-path filter, ARP ignored), as a
dedicated DPDK NIC would be.
"""
import atexit
import os
import subprocess

NS_IPV4 = "198.18.0.1"
NS_IPV6 = "2001:2::1"


def _ip(*args, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30, check=check)


class Link:
    def __init__(self, tag):
        suffix = str(os.getpid() % 100000)
        self.ns = f"{tag}-{suffix}"
        self.server_ns = f"{tag}s-{suffix}"
        self.host = f"{tag}{suffix}h"[:15]
        self.peer = f"{tag}{suffix}n"[:15]
        self._closed = False
        atexit.register(self.close)
        _ip("netns", "add", self.ns)
        _ip("netns", "add", self.server_ns)
        _ip("link", "add", self.host, "type", "veth", "peer", "name", self.peer)
        _ip("link", "set", self.peer, "netns", self.ns)
        _ip("link", "set", self.host, "netns", self.server_ns)
        _ip("-n", self.ns, "addr", "add", f"{NS_IPV4}/24", "dev", self.peer)
        _ip("-n", self.ns, "addr", "add", f"{NS_IPV6}/64", "dev", self.peer, "nodad")
        _ip("-n", self.ns, "link", "set", "lo", "up")
        _ip("-n", self.ns, "link", "set", self.peer, "up")
        _ip("-n", self.server_ns, "link", "set", "lo", "up")
        _ip("-n", self.server_ns, "link", "set", self.host, "up")
        self.run("ethtool", "-K", self.peer, "tx", "off", check=True)

    def server_prefix(self):
        """The command prefix that runs a program in the server namespace."""
        return ["ip", "netns", "exec", self.server_ns]

    def quiet_host_stack(self):
        for key in (f"net.ipv6.conf.{self.host}.disable_ipv6=1", f"net.ipv4.conf.{self.host}.rp_filter=1",
                    "net.ipv4.conf.all.rp_filter=1", f"net.ipv4.conf.{self.host}.arp_ignore=8"):
            subprocess.run([*self.server_prefix(), "sysctl", "-qw", key], check=True, timeout=30)

    def run(self, *cmd, check=False, timeout=60, cpu=None):
        """A command inside the namespace (optionally pinned): CompletedProcess."""
        pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
        return subprocess.run(["ip", "netns", "exec", self.ns, *pin, *cmd], capture_output=True,
                              text=True, timeout=timeout, check=check)

    def popen(self, *cmd, cpu=None, **kw):
        pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
        return subprocess.Popen(["ip", "netns", "exec", self.ns, *pin, *cmd], **kw)

    def close(self):
        if self._closed:
            return
        self._closed = True
        _ip("netns", "del", self.ns, check=False)  # takes the veth pair with it
        _ip("netns", "del", self.server_ns, check=False)
