"""Replies to a UDP flood by kind, read straight from the DNS header: full
answers, RRL slips (TC=1, no answer) and the rest. Shared by daemon_policy.py
and the flood script dpdk_netns.py runs in its client namespace."""
import time


class Tally:
    def __init__(self, begin=None):
        self.begin = time.monotonic() if begin is None else begin
        self.full = self.slipped = self.other = 0
        self.ids = set()
        self.last_full = 0.0  # seconds after `begin` of the last full answer

    def take(self, sock):
        """Reads every reply waiting on the non-blocking `sock`."""
        while True:
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                return
            tc, rcode = data[2] & 0x02, data[3] & 0x0f
            ancount = int.from_bytes(data[6:8], "big")
            self.ids.add(int.from_bytes(data[0:2], "big"))
            if tc and ancount == 0:
                self.slipped += 1
            elif not tc and rcode == 0 and ancount > 0:
                self.full += 1
                self.last_full = time.monotonic() - self.begin
            else:
                self.other += 1

    def out(self):
        return {"full": self.full, "slipped": self.slipped, "other": self.other,
                "ids": len(self.ids), "last_full": self.last_full}
