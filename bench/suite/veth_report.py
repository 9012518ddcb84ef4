"""The Markdown report of bench/dpdk-veth, from its raw directory.

    python3 bench/suite/veth_report.py RAWDIR [NOTE] > dpdk-veth.md

RAWDIR holds what bench/dpdk-veth measured: meta.txt (key=value lines),
results.jsonl (one kxdpgun run a line), workload.json, notes.txt (start-up
failures) and the runs' .samples files; NOTE goes under the title (used by
`bench/dpdk-veth --report-only`).
"""
import json
import os
import re
import statistics
import sys


def report(raw, note=""):
    """The report's text from RAW (a raw directory of bench/dpdk-veth)."""
    meta = {}
    for line in open(os.path.join(raw, "meta.txt")):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            meta[k] = v
    variants = meta.get("variants", "").split()
    rows = [json.loads(l) for l in open(os.path.join(raw, "results.jsonl")) if l.strip()]
    workload = json.load(open(os.path.join(raw, "workload.json")))
    notes = [l.rstrip("\n") for l in open(os.path.join(raw, "notes.txt")) if l.strip()]
    LABEL = {"canond-xdp": "canond DPDK net_af_xdp", "knotd-xdp": "knotd XDP",
             "canond-packet": "canond DPDK net_af_packet", "knotd-udp": "knotd kernel UDP"}
    REF = "knotd-xdp" if "knotd-xdp" in variants else ("knotd-udp" if "knotd-udp" in variants else None)
    full, rate = int(meta["full"]), int(meta["rate"])


    def n(x):
        return f"{x:,.0f}"


    def med(xs):
        return statistics.median(xs) if xs else float("nan")


    def spread(xs):
        """min–max and the half-range as a share of the median"""
        if len(xs) < 2:
            return "–"
        m = med(xs)
        return f"{n(min(xs))}–{n(max(xs))} (±{(max(xs) - min(xs)) / 2 / m * 100:.0f} %)" if m else "–"


    def busy(c):  # share of the CPU running something (steal left out)
        return (c["total"] - c["idle"] - c.get("steal", 0)) / c["total"] if c["total"] else 0.0


    def steal(r, cpu):  # share of the CPU the hypervisor gave to someone else
        c = r["cpu%d" % cpu]
        return win(r, "cpu%d_steal" % cpu, c.get("steal", 0) / c["total"] if c["total"] else 0.0)


    def loss(r):
        return 1 - r["received"] / r["sent"] if r["sent"] else 1.0


    def wall(r):  # ticks the kxdpgun run took, set-up and drain included (CPU 0's clock)
        return r["cpu0"]["total"] or 1


    def samples_window(path, hz, secs):
        """CPU shares while traffic flowed: over the 0.2 s samples where the host end's receive
        count grew at more than a fifth of its peak rate, busy ticks over wall time (an idle
        CPU's own tick count lags under NO_HZ)"""
        try:
            smp = [list(map(float, l.split())) for l in open(path) if len(l.split()) == 11]
        except OSError:
            return None
        steps = [(a, b) for a, b in zip(smp, smp[1:]) if b[0] > a[0]]
        if not steps:
            return None
        peak = max((b[10] - a[10]) / (b[0] - a[0]) for a, b in steps)
        live = [(a, b) for a, b in steps if peak > 0 and (b[10] - a[10]) / (b[0] - a[0]) > 0.2 * peak]
        seconds = sum(b[0] - a[0] for a, b in live)
        if seconds < 0.5 * secs:
            return None
        def share(i):
            return sum(b[i] - a[i] for a, b in live) / (seconds * hz)
        return {"seconds": seconds, "cpu0_busy": share(1), "cpu0_si": share(3), "cpu0_steal": share(4),
                "cpu1_busy": share(5), "cpu1_si": share(7), "cpu1_steal": share(8), "server_cores": share(9)}


    # Which samples file belongs to which run: named in the run's record; older raw data named
    # files by variant/round/kind/rate only (a retried step kept the last try's file).
    _last = {}
    for i, r in enumerate(rows):
        _last[(r["variant"], r["round"], r["kind"], r["offered"])] = i
    for i, r in enumerate(rows):
        if "file" in r:
            path = os.path.join(raw, r["file"] + ".samples")
        elif _last[(r["variant"], r["round"], r["kind"], r["offered"])] == i:
            path = os.path.join(raw, f"gun-{r['variant']}-{r['round']}-{r['kind']}-{r['offered']}.txt.samples")
        else:
            path = None
        w = samples_window(path, r["hz"], r["seconds"]) if path else None
        if w is not None:
            r["window"] = w
        elif r.get("window"):
            r["window_old"] = True   # shares over each CPU's own tick count (older script)


    def win(r, key, whole):
        """a share while traffic flowed (sampled every 0.2 s), else over the whole run"""
        return r.get("window", {}).get(key, whole)


    def cpu0_busy(r):
        return win(r, "cpu0_busy", busy(r["cpu0"]))


    def cpu0_si(r):
        return win(r, "cpu0_si", r["cpu0"]["si"] / wall(r))


    def cpu1_busy(r):
        return win(r, "cpu1_busy", busy(r["cpu1"]))


    def server_cores(r):
        return win(r, "server_cores", r["server"]["ticks"] / wall(r))


    DISTURBED = 0.2   # cores used by other processes above which a run is marked †


    def mark(r):
        return "†" if other_load(r) > DISTURBED else ""


    def kernel_drops(r):  # frames the host kernel dropped (softnet backlog, UDP receive buffer)
        return r.get("softnet_dropped", 0) + r.get("udp_rcvbuf_errors", 0)


    def other_load(r):
        """cores used by the rest of the machine: all busy time minus the server's and kxdpgun's"""
        o = r["machine_busy"] - r["server"]["ticks"] - r["gun_cpu"] * r["hz"]
        return max(o, 0) / wall(r)


    def ring_drops(r):  # frames HOST's XDP program could not hand to the server's AF_XDP socket
        return r["host_nic"].get("rx_queue_0_drops", 0)


    def sel(kind, v):
        return sorted((r for r in rows if r["kind"] == kind and r["variant"] == v), key=lambda r: (r["round"], r["offered"]))


    out = []
    p = out.append
    p("# canond's DPDK backend beside knotd's XDP mode on a veth pair")
    p("")
    p(f"Written by `bench/dpdk-veth`. Run {meta['date']}, commit {meta['commit']}, `{meta['args']}`; "
      f"{meta['ncpu']} CPUs ({meta['cpu']}), Linux {meta['kernel']}; waited {meta['quiet_spent']} s of "
      f"{meta['quiet_budget']} s for the machine to go idle." +
      (f" Report {note} (the measurements are that run's)." if note else ""))
    p(f"Versions: {meta['canond']} ({meta['build']}), DPDK {meta['dpdk']}; {meta['knotd']}; {meta['kxdpgun']}.")
    if meta.get("quick") == "1":
        p("")
        p("**--quick: a smoke test (1 round of 2 s), not a measurement.**")
    p("")
    rec = workload["records"]
    records = ", ".join(f"{v} {k}" for k, v in sorted(rec.items(), key=lambda kv: -kv[1]))
    if meta.get("zone_src"):
        # --zone/--queries: someone else's zone and query file (bench/run: the suite's)
        qtypes = workload.get("qtypes", {})
        qsum = sum(qtypes.values()) or 1
        mix = ", ".join(f"{t} {c / qsum * 100:.0f} %" for t, c in sorted(qtypes.items(), key=lambda kv: -kv[1]))
        p(f"**Workload**: {meta.get('workload_note') or 'given with --zone/--queries'}. Zone {meta.get('origin', '?')} "
          f"from `{meta['zone_src']}` ({records}); "
          + (f"{workload['queries']} queries from `{meta['queries_src']}` (query types: {mix})"
             if meta.get("queries_src") else
             f"{workload['queries']} queries drawn from it by `bench/suite/daemon_workload.py` (seed 1)")
          + "; no EDNS. kxdpgun reads the same file (`name type` per line) in a loop.")
    else:
        p(f"**Workload**: bench/daemon's. Zone example.com. from `canon-genzone --origin example.com. --seed 1 --names "
          f"{meta.get('names', '20000')} --mix a=40,aaaa=12,mx=12,txt=10,chain1=6,chain2=6,chain3=6,dname=1` ({records}); "
          f"{workload['queries']} queries from `bench/suite/daemon_workload.py` (seed 1): A 28 %, AAAA 12 %, MX 12 %, TXT 10 %, "
          "A on CNAME-chain heads 24 % (1, 2, 3 links), A below a DNAME 4 %, NXDOMAIN 10 %; no EDNS. kxdpgun reads the "
          "same file (`name type` per line) in a loop.")
    p("")
    p(f"**Link**: one veth pair; the host end `{meta['host']}` carries the server, the other end `{meta['peer']}` "
      f"(198.18.0.1/24, transmit checksum offload off) sits in namespace `{meta['ns']}` with the generator. "
      "The server answers for 198.18.0.2. One variant at a time owns the host end, in alternation "
      f"({', '.join(variants)}, then again), {meta['runs']} round(s), every kxdpgun run {meta['secs']} s.")
    p("")
    p("**Pinning**: every server thread on CPU 1 (canond: `--cpus 1`, its worker lcore is CPU 1, the EAL main thread "
      "(admin socket, idle) on CPU 0; knotd: started under `taskset -c 1`, then `taskset -a -pc 1 PID`, since knotd pins "
      "UDP worker N to CPU N itself); kxdpgun on CPU 0 (`taskset -c 0`, `-F 0`), one thread (the veth has one queue).")
    p("")
    for v in variants:
        p(f"- **{LABEL[v]}** (`{v}`): `{meta.get('cmd_' + v, '?')}`; threads (name@allowed CPUs) {meta.get('threads_' + v, '?')}")
    p("")
    if notes:
        p("**Start-up failures:**")
        p("")
        for l in notes:
            p(f"- {l}")
        p("")

    SUMMARY_AT = len(out)

    # ---- full rate ------------------------------------------------------------------------
    p(f"## Answered qps at full offered rate (`kxdpgun -Q {n(full)}`)")
    p("")
    p("kxdpgun's own counts: *answered* is its `total replies` rate, *sent* its `total queries` rate; *loss* = 1 − "
      "replies/queries. *CPU 0* / *CPU 1*: share of each core busy while traffic flowed (user + system + irq + softirq, /proc/stat "
      "sampled every 0.2 s; kxdpgun's run also spends two or three seconds setting up and draining). "
      "*XDP ring drops*: frames the host end's XDP program could not hand to the server's AF_XDP socket "
      "(`ethtool -S` `rx_queue_0_drops` on the host end: the socket's receive ring was full), as a share of sent. "
      "*steal 0 / 1*: share of CPU 0 / CPU 1 stolen by the hypervisor (this is a VM; a vCPU that halts when idle and is "
      "woken again loses time this way). *other load*: cores used by other processes on the machine (all busy time "
      "minus the server's, kxdpgun's and steal). "
      "Median of the rounds; *spread* is min–max (± half the range over the median).")
    p("")
    ref_full = med([r["recv_pps"] for r in sel("full", REF)]) if REF else None
    p(f"| variant | answered qps | spread | sent qps | loss | CPU 0 busy | CPU 1 busy | steal 0 / 1 | XDP ring drops | other load | ÷ {REF or '-'} |")
    p("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    full_med = {}
    for v in variants:
        rs = sel("full", v)
        if not rs:
            continue
        a = [r["recv_pps"] for r in rs]
        full_med[v] = med(a)
        p(f"| {LABEL[v]} | **{n(med(a))}** | {spread(a)} | {n(med([r['sent_pps'] for r in rs]))} | "
          f"{med([loss(r) for r in rs]) * 100:.1f} % | {med([cpu0_busy(r) for r in rs]):.2f} | "
          f"{med([cpu1_busy(r) for r in rs]):.2f} | {med([steal(r, 0) for r in rs]):.2f} / {med([steal(r, 1) for r in rs]):.2f} | "
          f"{med([ring_drops(r) / r['sent'] if r['sent'] else 0 for r in rs]) * 100:.1f} % | "
          f"{med([other_load(r) for r in rs]):.2f} | {f'{full_med[v] / ref_full:.2f}' if ref_full else '–'} |")
    p("")
    p("Per round (answered qps; sent qps):")
    p("")
    for v in variants:
        rs = sel("full", v)
        p(f"- {LABEL[v]}: " + "; ".join(f"round {r['round']}: {n(r['recv_pps'])}{mark(r)} of {n(r['sent_pps'])}" for r in rs))
    p("")

    # ---- ratio -----------------------------------------------------------------------------
    ratios = {}
    if "canond-xdp" in variants and REF:
        p(f"### canond / {LABEL[REF]}, answered qps at full rate")
        p("")
        for v in [x for x in variants if x.startswith("canond")]:
            a = {r["round"]: r["recv_pps"] for r in sel("full", v)}
            b = {r["round"]: r["recv_pps"] for r in sel("full", REF)}
            per = [a[k] / b[k] for k in sorted(a) if k in b and b[k]]
            if not per:
                continue
            ratios[v] = (full_med[v] / ref_full, per)
            p(f"- {LABEL[v]} ÷ {LABEL[REF]}: **{full_med[v] / ref_full:.2f}** (ratio of the medians); per round "
              f"{', '.join(f'{x:.2f}' for x in per)} (median {med(per):.2f}). Goal ≥ 2: "
              f"{'met' if full_med[v] / ref_full >= 2 else '**not met**'}.")
        p("")

    # ---- steps ------------------------------------------------------------------------------
    p("## Highest rate without loss (a few `-Q` steps)")
    p("")
    p(f"kxdpgun at rising offered rates ({', '.join(n(int(x)) for x in meta['steps'].split())}), stopping at the first "
      "step that loses more than 0.1 % or that kxdpgun cannot offer (it sends less than 95 % of the rate asked), "
      "twice in a row (a failing step is tried once more). "
      "*highest clean step*: the last step before that, with the qps answered there; *stopped at*: the first failing step "
      "and why. Median over the rounds of the highest clean step's answered qps.")
    p("")
    p("| variant | highest clean step, answered qps (median) | per round | stopped at (per round) |")
    p("|---|---:|---|---|")
    step_med = {}
    step_open = set()   # variants where some round was clean up to the last step: a lower bound
    step_fail = {}      # median first failing offered rate (None: some round never failed)
    for v in variants:
        per_round, stops, fails = [], [], []
        for rnd in sorted({r["round"] for r in sel("step", v)}):
            rs = [r for r in sel("step", v) if r["round"] == rnd]
            best, stop = None, "all clean"
            retried = set()
            for q in sorted({r["offered"] for r in rs}):
                tries = [r for r in rs if r["offered"] == q]
                ok = [r for r in tries if r["sent"] > 0 and r["received"] >= 0.999 * r["sent"]
                      and r["sent_pps"] >= 0.95 * r["offered"]]
                if len(tries) > 1:
                    retried.add(q)
                if ok:
                    best = ok[0]
                    continue
                r = tries[-1]
                fails.append(q)
                if r["sent_pps"] < 0.95 * r["offered"]:
                    stop = f"{n(r['offered'])}: kxdpgun sent only {n(r['sent_pps'])}/s (loss {loss(r) * 100:.1f} %)"
                else:
                    stop = f"{n(r['offered'])}: loss {loss(r) * 100:.1f} % (ring drops {ring_drops(r) / r['sent'] * 100:.1f} %)"
                break
            if retried:
                stop += " (retried: " + ", ".join(n(x) for x in sorted(retried)) + ")"
            per_round.append(best["recv_pps"] if best else 0)
            stops.append(f"r{rnd}{''.join(sorted({mark(x) for x in rs}))} " + stop)
        if per_round:
            step_med[v] = med(per_round)
            step_fail[v] = med(fails) if len(fails) == len(per_round) else None
            if any(x.endswith("all clean") or " all clean " in x for x in stops):
                step_open.add(v)
            p(f"| {LABEL[v]} | **{n(med(per_round))}** | {', '.join(n(x) for x in per_round)} | {'; '.join(stops)} |")
    p("")

    # ---- fixed rate CPU --------------------------------------------------------------------
    fixed_med = {}
    p(f"## Server CPU time per answered query at a fixed rate (`kxdpgun -Q {n(rate)}`)")
    p("")
    p("utime + stime of the whole server process (every thread; `/proc/PID/stat`, "
      f"{rows[0]['hz'] if rows else 100} ticks/s) before and after the run, over the answered queries. This kernel has no "
      "`CONFIG_IRQ_TIME_ACCOUNTING`: softirq work done in a thread's context (the veth delivering the answers it sends to "
      "kxdpgun's XDP socket) is charged to that thread. *CPU 0 per answer*: all of CPU 0's busy time over the answers "
      "(kxdpgun plus the softirq that hands each query to the server's socket).")
    p("")
    p("| variant | answered | loss | server CPU s | µs server CPU per answer | per round (µs) | CPU 0 µs per answer | note |")
    p("|---|---:|---:|---:|---:|---|---:|---|")
    for v in variants:
        rs = sel("fixed", v)
        if not rs:
            continue
        us = [r["server"]["ticks"] / r["hz"] / r["received"] * 1e6 if r["received"] else float("nan") for r in rs]
        fixed_med[v] = med(us)
        c0 = [(r["cpu0"]["total"] - r["cpu0"]["idle"]) / r["hz"] / r["received"] * 1e6 if r["received"] else float("nan") for r in rs]
        mid = sorted(range(len(rs)), key=lambda i: us[i])[len(rs) // 2]
        r = rs[mid]
        note = ("poll mode: its worker spins on its core whatever the load, so this is wall time over answers, "
                "not a cost per query — see its qps ceiling" if v.startswith("canond") else "")
        p(f"| {LABEL[v]} | {n(r['received'])} | {loss(r) * 100:.2f} % | {r['server']['ticks'] / r['hz']:.2f} | "
          f"**{med(us):.2f}** | {', '.join(f'{x:.2f}{mark(q)}' for x, q in zip(us, rs))} | {med(c0):.2f} | {note} |")
    p("")

    # ---- limits ------------------------------------------------------------------------------
    p("## What limits these numbers")
    p("")
    p("At full offered rate, where the queries that were not answered went (the median round of each variant; counters "
      "from the veth, the host kernel and canond, see the last table):")
    p("")
    for v in variants:
        rs = sorted(sel("full", v), key=lambda r: r["recv_pps"])
        if not rs:
            continue
        r = rs[len(rs) // 2]
        sent = r["sent"] or 1
        rd, kd = ring_drops(r), kernel_drops(r)
        rest = max(r["sent"] - r["received"] - rd - kd, 0)
        srv = server_cores(r)
        line = (f"- **{LABEL[v]}** (round {r['round']}): kxdpgun sent {n(r['sent_pps'])}/s, CPU 0 "
                f"{cpu0_busy(r) * 100:.0f} % busy ({cpu0_si(r) * 100:.0f} % softirq); "
                f"{n(r['recv_pps'])}/s answered. Of the queries sent, {rd / sent * 100:.1f} % were dropped at the XDP "
                f"redirect into the server's full AF_XDP ring, {kd / sent * 100:.1f} % in the host kernel, "
                f"{rest / sent * 100:.1f} % elsewhere")
        c = r["canond"]
        if v.startswith("canond") and c:
            line += (f"; canond's port received {n(c.get('ipackets', 0))} frames and it answered "
                     f"{n(c.get('q_dns_answers', 0))} (imissed {n(c.get('imissed', 0))})")
        line += f". Server: {srv:.2f} cores"
        if other_load(r) > DISTURBED:
            line += f"; other processes used {other_load(r):.2f} cores (†)"
        if (rd + kd) / sent > 0.01:
            verdict = ("the server is the bottleneck: its receive queue overflowed, it cannot take what kxdpgun offers"
                       + (" (with its core shared)" if other_load(r) > DISTURBED else ""))
        elif rest / sent > 0.01 and v == "canond-packet":
            verdict = ("the server is the bottleneck, most likely: canond answered every frame its port received, so the "
                       "rest was dropped before it, presumably in net_af_packet's receive ring (the kernel's drop count for "
                       "it, PACKET_STATISTICS, is not reported by DPDK 22.11's PMD)")
        elif rest / sent > 0.01:
            verdict = "queries were lost where these counters do not see"
        elif cpu0_busy(r) >= 0.95:
            verdict = "the generator's core (kxdpgun plus the veth softirq delivering to the server) is the bottleneck"
        else:
            verdict = "neither core saturated"
        p(line + f" → {verdict}.")
    p("")
    p("How the pieces share the two cores (mechanisms, true of every run here):")
    p("")
    p("- **veth delivers on the sender's CPU.** A frame sent on one end is received by the other end's NAPI on the "
      "*sending* CPU (veth_xmit → peer's NAPI, in softirq right after the send). So CPU 0 pays for kxdpgun *and* for "
      "running the server's XDP program and copying each query into the server's AF_XDP ring (veth has no zero-copy "
      "AF_XDP: copy mode); CPU 1 pays for the server *and* for running kxdpgun's XDP program and copying each answer into "
      "kxdpgun's ring. This kernel has no `CONFIG_IRQ_TIME_ACCOUNTING`, so that softirq time is charged to the thread that "
      "sent (kxdpgun's stime, the server's stime). A real NIC would take the receive copy off CPU 0; here the generator's "
      "ceiling depends on how much the server's receive path costs.")
    p("- **A full receive ring is dropped cheaply.** When the server does not drain its AF_XDP ring, the XDP redirect "
      "fails and the frame is dropped in softirq on CPU 0 before any copy, which is cheaper than delivering it: kxdpgun "
      "then *sends* faster against a slower server. Compare answered rates, not sent rates.")
    p("- **canond's worker polls.** Its DPDK lcore spins on CPU 1 whether or not traffic comes (100 % of the core by "
      "design), so its CPU per query at a fixed rate is wall time over answers, not a cost; its qps ceiling is the "
      "comparable figure. knotd's XDP worker sleeps in poll() between batches, so its CPU per answer is a cost (it "
      "includes the answer-side veth softirq, above).")
    p("- **kxdpgun** is one thread (one per queue of the interface; a veth has one) on CPU 0; it reads the query file "
      "in a loop and counts replies without checking them. Above its ceiling `-Q` makes no difference.")
    p("")

    # ---- profile ------------------------------------------------------------------------------
    profiles = {}
    for v in variants:
        pr = [r for r in rows if r["variant"] == v and r["kind"] == "profile"]
        f = os.path.join(raw, (pr[0]["file"] if pr and "file" in pr[0] else f"gun-{v}-1-profile-{full}.txt") + ".perf.txt")
        if os.path.exists(f):
            tids = set()
            if os.path.exists(f[:-len(".txt")] + ".tids"):
                tids = {l.strip() for l in open(f[:-len(".txt")] + ".tids") if l.strip()}
            entries = []
            for line in open(f):
                parts = [x.strip() for x in line.split("|", 4)]
                if len(parts) == 5 and parts[0].endswith("%"):
                    tid, _, comm = parts[2].partition(":")
                    # who: the server's own threads, kxdpgun, idle, or anything else on that CPU
                    who = (("server " + comm) if tid in tids else "kxdpgun" if comm == "kxdpgun"
                           else "idle" if tid == "0" else "other: " + comm)
                    entries.append((float(parts[0][:-1]), int(parts[1]), who, parts[3], parts[4]))
            if entries:
                profiles[v] = entries
    cpu_split = {}
    if profiles:
        p("## Where the time goes at full rate (perf)")
        p("")
        p(f"One more `kxdpgun -Q {n(full)}` run per variant in round 1, with `perf record -e cpu-clock -F 999 -a` for "
          f"{float(meta['secs']) - 2:g} s while traffic flowed (starting 2 s after kxdpgun). Shares of each CPU's samples "
          "(entries under 0.2 % of all samples are left out), by thread: *server* (the server's own threads, by thread id), "
          "kxdpgun, idle, *other* (anything else that ran there: another process on the machine). *kernel* is kernel code "
          "run in that thread's context, syscalls and the softirq they trigger alike (the veth delivering to the other "
          "end). Debian's knotd is stripped: its own functions show as addresses (libknot's have names).")
        p("")

        def short(sym):
            sym = sym.replace("[k] ", "").replace("[.] ", "")
            return (sym[:70] + "…") if len(sym) > 71 else sym

        for v, entries in profiles.items():
            pr = [r for r in rows if r["variant"] == v and r["kind"] == "profile"]
            extra = f" (answered {n(pr[0]['recv_pps'])}/s of {n(pr[0]['sent_pps'])}/s sent)" if pr else ""
            p(f"**{LABEL[v]}**{extra}:")
            p("")
            if pr and pr[0]["recv_pps"]:
                # CPU 1 time per answer, split: samples are of the time the vCPU ran (steal left out)
                es1 = [e for e in entries if e[1] == 1]
                tot1 = sum(e[0] for e in es1) or 1
                ran = 1 - steal(pr[0], 1)
                user = sum(e[0] for e in es1 if e[2].startswith("server") and not e[3].startswith("[kernel"))
                kern = sum(e[0] for e in es1 if e[2].startswith("server") and e[3].startswith("[kernel"))
                per = {k: x / tot1 * ran / pr[0]["recv_pps"] * 1e6 for k, x in (("user", user), ("kernel", kern))}
                cpu_split[v] = per
                p(f"- CPU 1 time per answer in the server's threads: user {per['user']:.2f} µs, kernel {per['kernel']:.2f} µs "
                  f"(shares of CPU 1's samples × the {ran * 100:.0f} % of the time the vCPU ran, over the answered rate)")
            for cpu in (1, 0):
                es = [e for e in entries if e[1] == cpu]
                tot = sum(e[0] for e in es) or 1
                groups = {}
                for pct, _, comm, dso, sym in es:
                    key = (comm, "kernel" if dso.startswith("[kernel") else "user")
                    groups[key] = groups.get(key, 0) + pct
                gs = sorted(groups.items(), key=lambda kv: -kv[1])[:6]
                p(f"- CPU {cpu} ({'server' if cpu == 1 else 'kxdpgun'}): "
                  + ", ".join(f"{c} {k} {x / tot * 100:.0f} %" for (c, k), x in gs))
                top = sorted(es, key=lambda e: -e[0])[:8]
                p("  - top: " + "; ".join(f"`{short(e[4])}` ({e[2]}, {e[0] / tot * 100:.1f} %)" for e in top))
            p("")

    if "canond-xdp" in cpu_split and REF in cpu_split:
        a, b = cpu_split["canond-xdp"], cpu_split[REF]
        p(f"Per answer on the server's core at full rate, {LABEL[REF]} ÷ {LABEL['canond-xdp']}: user space "
          f"{b['user'] / a['user']:.1f}×, kernel {b['kernel'] / a['kernel']:.1f}×, together "
          f"{(b['user'] + b['kernel']) / (a['user'] + a['kernel']):.1f}×. The kernel part (AF_XDP copy-mode transmit, "
          "the veth, kxdpgun's XDP program and the copy into its ring, all run on the server's core) bounds what a "
          "faster engine can gain on this rig.")
        p("")

    p("## Platform facts found on the way")
    p("")
    p("- **knotd 3.2.6's XDP mode works on a veth** with this kernel (Linux 6.x): `xdp: listen: IFACE` (a section of its "
      "own in 3.2, not `server: listen-xdp`); it logs `initialized XDP interface …, queues 1, native mode`. It needs root "
      "but not `ulimit -l unlimited` (BPF/XDP memory is charged to the cgroup since Linux 5.11; raising the limit is not "
      "even permitted in this container). It handles UDP/53 only and passes the rest (ARP) to the kernel, so the host end "
      "needs the server's address while knotd serves; canond answers ARP itself and the host end has no address.")
    p("- **knotd leaves its XDP program attached when it exits.** DPDK's net_af_xdp then cannot start on that interface "
      "(`libxdp: Existing program is not using a dispatcher, can't replace; unload first`, then canond's `RX queue setup: "
      "Invalid argument`): detach it with `ip link set dev IFACE xdp off` between the two.")
    p("- **DPDK 22.11 net_af_xdp** loads its program through libxdp; with no bpffs at /sys/fs/bpf it warns (`Can't use "
      "dispatcher without a working bpffs`) and loads a single program, which works and is detached at exit. A veth has "
      "no zero-copy AF_XDP: every frame is copied, in both directions, by the sending CPU (see above).")
    p("- **net_af_packet** reads copies of the frames the kernel still receives: the host end must be quieted (IPv6 off, "
      "rp_filter 1, arp_ignore 8, as tests/system/netns.py does) or the kernel answers ARP/ICMP too.")
    p("- **kxdpgun** works from the namespace end (native mode, its own XDP program on that end): one thread per queue "
      "(a veth has one), so it cannot use the second core; its run lasts 2–3 s longer than `-t` (set-up and "
      "draining); it finds the destination's MAC by itself (after a ping it worked without `-R`), `-R MAC` takes that "
      "out of the picture. Its query file is dnsperf's `name type` format.")
    p("- **This VM loses CPU to the hypervisor** (steal): 30–40 % of a vCPU was seen in attempts while the host was "
      "busy (the steal columns show each run's), which also "
      "lengthens every wake-up of a thread that sleeps (knotd) but not of one that polls (canond). /proc/stat is tick-sampled and IRQ time accounting is off, so softirq time is charged to whatever "
      "thread it interrupted.")
    p("")

    # ---- correctness -----------------------------------------------------------------------
    def parse_kdig(text):
        status = re.search(r"status: (\w+)", text)
        flags = re.search(r";; Flags: ([a-z ]*);", text)
        sections, cur = {}, None
        for line in text.splitlines():
            m = re.match(r";; (\w+) SECTION:", line)
            if m:
                cur = m.group(1)
                sections[cur] = []
                continue
            if not line.strip() or line.startswith(";;"):
                cur = None if not line.strip() else cur
                continue
            if cur and cur != "QUESTION":
                sections[cur].append(" ".join(line.split()))
        return {"rcode": status.group(1) if status else "no answer", "flags": " ".join(sorted((flags.group(1) if flags else "").split())),
                "answer": sorted(sections.get("ANSWER", [])), "authority": sorted(sections.get("AUTHORITY", [])),
                "additional": sorted(sections.get("ADDITIONAL", []))}


    names = [l.split() for l in open(os.path.join(raw, "check-names")) if l.strip()]
    p("## Same answers?")
    p("")
    p("Before the timed runs each variant was asked these names (the first query of each kind in the query file, then the "
      "file's first lines) with `kdig @198.18.0.2 +noedns` from the namespace. *same* compares rcode, flags and the "
      f"answer, authority and additional sections (sorted) with {LABEL[variants[0]]}'s.")
    p("")
    p("| query | " + " | ".join(LABEL[v] for v in variants) + " | answer records | same |")
    p("|---|" + "---|" * len(variants) + "---:|---|")
    all_same = True
    for i, (name, rtype) in enumerate(names, 1):
        got = {}
        for v in variants:
            f = os.path.join(raw, "kdig", v, f"{i}.txt")
            got[v] = parse_kdig(open(f).read()) if os.path.exists(f) else None
        base = got[variants[0]]
        diff = [v for v in variants[1:] if got[v] != base]
        all_same &= not diff
        p(f"| `{name} {rtype}` | " + " | ".join(got[v]["rcode"] if got[v] else "–" for v in variants) +
          f" | {len(base['answer']) if base else 0} | {'yes' if not diff else 'DIFFERS: ' + ', '.join(diff)} |")
    p("")
    p("All variants gave identical answers." if all_same else
      "**Some answers differ** (kdig outputs in the raw directory, `kdig/VARIANT/N.txt`).")
    p("")

    # ---- commands ---------------------------------------------------------------------------
    p("## Commands")
    p("")
    p("```")
    p(f"ip netns add {meta['ns']}; ip link add {meta['host']} type veth peer name {meta['peer']}")
    p(f"ip link set {meta['peer']} netns {meta['ns']}; ip -n {meta['ns']} addr add 198.18.0.1/24 dev {meta['peer']}")
    p(f"ip -n {meta['ns']} link set lo up; ip -n {meta['ns']} link set {meta['peer']} up; ip link set {meta['host']} up")
    p(f"ip netns exec {meta['ns']} ethtool -K {meta['peer']} tx off")
    p(f"# canond variants: no address on {meta['host']}; disable_ipv6=1, rp_filter=1, arp_ignore=8 on it (net_af_packet")
    p("#   reads copies: the kernel must ignore the originals); canond answers ARP itself")
    p(f"# knotd variants: ip addr replace 198.18.0.2/24 dev {meta['host']} (the kernel answers ARP)")
    for v in variants:
        p(f"{meta.get('cmd_' + v, '?')}")
    p(f"ip netns exec {meta['ns']} taskset -c 0 kxdpgun -t {meta['secs']} -Q RATE -i queries.txt -I {meta['peer']} -F 0 "
      f"-R {meta['host_mac']} 198.18.0.2")
    p(f"# after knotd: ip link set dev {meta['host']} xdp off (knotd leaves its XDP program attached)")
    p("```")
    p("")
    if os.path.exists(os.path.join(raw, "knot-xdp.conf")):
        p("knotd's configuration for XDP (`knotd-udp` differs only in `server: listen: 198.18.0.2@53` instead of the "
          "`xdp:` section):")
        p("")
        p("```")
        p(open(os.path.join(raw, "knot-xdp.conf")).read().rstrip())
        p("```")
        p("")

    # ---- every run ----------------------------------------------------------------------------
    p("## Every kxdpgun run")
    p("")
    p("CPU 0, CPU 0 softirq, CPU 1 and server CPU are shares while traffic flowed (sampled every 0.2 s); kxdpgun CPU "
      "and other load are over the whole run (*s*: it includes kxdpgun's set-up and the wait for late replies, so it "
      "is longer than `-t`). *XDP ring drops*: `rx_queue_0_drops` of the host end (the server's AF_XDP "
      "receive ring was full); *kernel drops*: the host kernel's softnet backlog drops plus UDP receive-buffer errors "
      "(/proc/net/softnet_stat, /proc/net/snmp). *CPU 0 softirq*: CPU 0's softirq share in /proc/stat. *server CPU*: "
      "the server's CPU time over wall time (cores); *kxdpgun CPU*: its own user+sys over wall time (it includes the "
      "softirq run in its context); *other*: the rest of the machine (cores), † above "
      f"{DISTURBED}. * on *s*: the first try of a retried step in raw data from an older version of the script, whose "
      "shares are over each CPU's own tick count (which lags on an idle CPU) rather than wall time. "
      f"canond's column: frames its port received (`ipackets`) and answers it sent (queue `dns_answers`), "
      "from `canonctl stats --json` before and after.")
    p("")
    p("| round | variant | kind | offered | sent qps | answered qps | loss | XDP ring drops | kernel drops | CPU 0 | CPU 0 softirq | CPU 1 | steal 0 / 1 | server CPU | kxdpgun CPU | other | s | canond rx / answers |")
    p("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    order = {v: i for i, v in enumerate(variants)}
    kinds = {"full": 0, "fixed": 1, "step": 2, "profile": 3}
    for r in sorted(rows, key=lambda r: (r["round"], order.get(r["variant"], 9), kinds[r["kind"]], r["offered"])):
        c = r["canond"]
        cc = f"{n(c.get('ipackets', 0))} / {n(c.get('q_dns_answers', 0))}" if r["variant"].startswith("canond") else ""
        p(f"| {r['round']} | {r['variant']} | {r['kind']} | {n(r['offered'])} | {n(r['sent_pps'])} | {n(r['recv_pps'])} | "
          f"{loss(r) * 100:.1f} % | {n(ring_drops(r))} | {n(kernel_drops(r))} | {cpu0_busy(r):.2f} | "
          f"{cpu0_si(r):.2f} | {cpu1_busy(r):.2f} | {steal(r, 0):.2f} / {steal(r, 1):.2f} | "
          f"{server_cores(r):.2f} | {r['gun_cpu'] * r['hz'] / wall(r):.2f} | {other_load(r):.2f}{mark(r)} | "
          f"{r.get('elapsed', 0):.1f}{'*' if r.get('window_old') else ''} | {cc} |")
    p("")
    aside = []
    if os.path.exists(os.path.join(raw, "disturbed.jsonl")):
        aside = [json.loads(l) for l in open(os.path.join(raw, "disturbed.jsonl")) if l.strip()]
    if aside:
        p(f"{len(aside)} run(s) during which other processes used more than {DISTURBED} cores were done again "
          f"(`--redo`, budget {meta.get('redo_budget', '?')}, {meta.get('redo_left', '?')} left); the tables use the "
          "runs that followed. The machine is shared.")
        p("")
    # ---- summary, placed after the header ---------------------------------------------------------
    summary = ["## Summary", ""]
    if full_med:
        summary.append("Answered qps at full offered rate, median of " + meta["runs"] + " round(s): " +
                       "; ".join(f"{LABEL[v]} **{n(x)}**" for v, x in full_med.items()) + ".")
    for v, (ratio, per) in ratios.items():
        summary.append(f"{LABEL[v]} ÷ {LABEL[REF]}: **{ratio:.2f}** (per round {', '.join(f'{x:.2f}' for x in per)}); "
                       f"the goal of ≥ 2 is {'met' if ratio >= 2 else '**not met**'} on this rig.")
    if step_med:
        summary.append("Highest offered rate answered with ≤ 0.1 % loss (median): " +
                       "; ".join(f"{LABEL[v]} {'≥ ' if v in step_open else ''}{n(x)}" for v, x in step_med.items()) +
                       " (answered qps at the highest clean step).")
    if "canond-xdp" in step_med and REF in step_med and ({"canond-xdp", REF} & step_open):
        summary.append("Ratio of those clean rates: not determined (the steps did not reach a loss for "
                       + " and ".join(LABEL[v] for v in ("canond-xdp", REF) if v in step_open) + ").")
    elif "canond-xdp" in step_med and REF in step_med and step_med[REF]:
        lo = step_med["canond-xdp"] / step_fail[REF] if step_fail.get(REF) else None
        hi = step_fail["canond-xdp"] / step_med[REF] if step_fail.get("canond-xdp") else None
        summary.append(f"Ratio of those clean rates, {LABEL['canond-xdp']} ÷ {LABEL[REF]}: "
                       f"**{step_med['canond-xdp'] / step_med[REF]:.2f}** on the step grid"
                       + (f" (between {lo:.1f} and {hi:.1f} given the steps that failed)" if lo and hi else "") + ".")
    if fixed_med:
        summary.append(f"Server CPU per answer at {n(rate)} qps: " +
                       "; ".join(f"{LABEL[v]} {x:.2f} µs" + (" (polling: not a cost)" if v.startswith("canond") else "")
                                 for v, x in fixed_med.items()) + ".")
    if "canond-xdp" in cpu_split and REF in cpu_split:
        a, b = cpu_split["canond-xdp"], cpu_split[REF]
        summary.append(f"On the server's core at full rate (perf): {LABEL['canond-xdp']} {a['user']:.2f} µs user + "
                       f"{a['kernel']:.2f} µs kernel per answer, {LABEL[REF]} {b['user']:.2f} + {b['kernel']:.2f} µs: "
                       "the kernel's AF_XDP copy-mode and veth work on the server's own core is most of canond's cost "
                       "here, and caps the ratio (see *What limits these numbers*).")
    summary.append("")
    summary = [x if not x or x.startswith("#") else x for x in summary]
    out[SUMMARY_AT:SUMMARY_AT] = [summary[0], summary[1]] + [f"- {x}" for x in summary[2:-1]] + [""]

    dist = [r for r in rows if other_load(r) > DISTURBED]
    if dist:
        p(f"**Warning: in {len(dist)} of {len(rows)} kxdpgun runs other processes used more than {DISTURBED} cores (up to "
          f"{max(other_load(r) for r in dist):.2f}; marked †): those runs shared the machine.**")
        p("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    sys.stdout.write(report(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""))
