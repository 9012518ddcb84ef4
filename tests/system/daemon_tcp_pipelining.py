#!/usr/bin/env python3
"""DNS over TCP pipelining (RFC 7766 §6.2.1.1): every query gets its answer.

    daemon_tcp_pipelining.py CANOND CANONCTL EXAMPLE_ZONES_DIR

10,000 length-prefixed queries written at once on one connection must all be
answered, each under its own ID and for its own question, well inside the
idle timeout: none may sit in canond's input buffer waiting for an event
that never comes. Half of them ask for a 600-byte TXT answer, so the queries
canond reads at once (64 KiB of them) make far more answers than its output
buffer holds at once: it has to flush and go on answering without a new
read event. A second run reads nothing for the first second, so the
answers back up into canond (its output buffer full, the socket's too) and
it must stop reading, then resume when the client reads, losing nothing.
Every loop is bounded by a deadline; traffic stays on 127.0.0.1.
"""
import os
import selectors
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

import dns.message  # noqa: E402
import dns.rcode  # noqa: E402

QUERIES = 10_000
ORIGIN = "pipelining.test."
QUESTIONS = (("big.pipelining.test.", "TXT"), ("small.pipelining.test.", "A"),
             ("big.pipelining.test.", "TXT"), ("nothere.pipelining.test.", "A"))
SECONDS = 8.0  # well under canond's 10 s idle timeout: a stall fails here, not there


def queries():
    """The whole pipelined stream and, per ID, the name asked."""
    stream, asked = bytearray(), {}
    for qid in range(QUERIES):
        name, rdtype = QUESTIONS[qid % len(QUESTIONS)]
        q = dns.message.make_query(name, rdtype)
        q.id = qid
        wire = q.to_wire()
        stream += struct.pack("!H", len(wire)) + wire
        asked[qid] = name
    return bytes(stream), asked


def split(received):
    """The length-prefixed messages in `received` and the bytes left over."""
    messages, at = [], 0
    while len(received) - at >= 2:
        length = struct.unpack_from("!H", received, at)[0]
        if len(received) - at - 2 < length:
            break
        messages.append(received[at + 2:at + 2 + length])
        at += 2 + length
    return messages, received[at:]


def exchange(port, stream, quiet_seconds=0.0):
    """Writes `stream` as fast as canond takes it and reads what comes back,
    reading nothing for the first `quiet_seconds`; stops when QUERIES answers
    are in, the connection closes or SECONDS pass. Returns (answers, seconds)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    answers, pending, sent = [], b"", 0
    start = time.monotonic()
    try:
        while len(answers) < QUERIES and time.monotonic() - start < SECONDS:
            reading = time.monotonic() - start >= quiet_seconds
            wanted = (selectors.EVENT_READ if reading else 0) | \
                (selectors.EVENT_WRITE if sent < len(stream) else 0)
            if wanted == 0:  # all written, not reading yet
                time.sleep(0.05)
                continue
            selector.modify(sock, wanted)
            for _, events in selector.select(timeout=0.2):
                if events & selectors.EVENT_WRITE:
                    try:
                        sent += sock.send(stream[sent:sent + 65536])
                    except BlockingIOError:
                        pass
                if events & selectors.EVENT_READ:
                    try:
                        chunk = sock.recv(1 << 20)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        return answers, time.monotonic() - start
                    messages, pending = split(pending + chunk)
                    answers += messages
    finally:
        selector.close()
        sock.close()
    return answers, time.monotonic() - start


class TcpPipelining(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        big = " ".join('"' + "x" * 200 + '"' for _ in range(3))
        zone = h.write(h.tempdir(), "pipelining.test.zone",
                       h.zone_text(ORIGIN, 1, f"big IN TXT {big}\nsmall IN A 192.0.2.1\n"))
        cls.canond = h.Canond(zones={ORIGIN: zone})
        cls.canond.start()
        cls.stream, cls.asked = queries()

    @classmethod
    def tearDownClass(cls):
        cls.canond.stop()

    def check(self, answers, seconds):
        self.assertEqual(len(answers), QUERIES,
                         f"{len(answers)} of {QUERIES} pipelined queries answered "
                         f"in {seconds:.1f} s")
        seen = set()
        for wire in answers:
            m = dns.message.from_wire(wire)
            self.assertIn(m.id, self.asked, "an answer to a query never asked")
            self.assertNotIn(m.id, seen, f"ID {m.id} answered twice")
            seen.add(m.id)
            self.assertEqual(str(m.question[0].name), self.asked[m.id],
                             f"ID {m.id}: its own question")
            self.assertIn(m.rcode(), (dns.rcode.NOERROR, dns.rcode.NXDOMAIN))

    def test_ten_thousand_at_once(self):
        answers, seconds = exchange(self.canond.port, self.stream)
        self.check(answers, seconds)

    def test_a_client_that_reads_late_loses_nothing(self):
        answers, seconds = exchange(self.canond.port, self.stream, quiet_seconds=1.0)
        self.check(answers, seconds)

    def test_still_serving_and_counted(self):
        answer = h.query(self.canond.port, "small.pipelining.test", tcp=True)
        self.assertEqual(answer.rcode(), dns.rcode.NOERROR)
        tcp = self.canond.ok("stats")["tcp"]
        self.assertGreaterEqual(tcp["queries"], 1)
        self.assertEqual(tcp["errors"], 0)


if __name__ == "__main__":
    h.main()
