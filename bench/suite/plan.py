"""Which measure runs at which (workload, size) cell.

Not every measure needs every cell (qps at every cell would take hours):

    zones         every server at every size (load time, RSS)
    qps           a_hit at every size (the zone-size sweep); every workload
                  at the focus size (the chain curve a_hit/chain1/3/8 and the rest)
    cpu, latency  every workload at the focus size, at a fixed offered rate
                  (one dnsperf -Q run gives both)
    resperf       a_hit at the focus size
    instructions  every workload at the focus size and a_hit at 1K (quick:
                  every workload at 1K only)

The focus size is 100K when it is in the sweep, else the largest size
below it, else the smallest.
"""


def focus_size(sizes):
    if 100000 in sizes:
        return 100000
    below = [s for s in sizes if s < 100000]
    return max(below) if below else min(sizes)


def make(sizes, workloads, quick):
    sizes = sorted(sizes)
    focus = focus_size(sizes)
    hit = ["a_hit"] if "a_hit" in workloads else []
    qps = {s: list(workloads) if s == focus else hit for s in sizes}
    if quick:
        small = 1000 if 1000 in sizes else sizes[0]
        instructions = {small: list(workloads)}
    else:
        instructions = {focus: list(workloads)}
        if 1000 in sizes and focus != 1000 and hit:
            instructions[1000] = hit
    return {"sizes": sizes, "focus": focus,
            "qps": {s: w for s, w in qps.items() if w},
            "rate": {focus: list(workloads)},
            "resperf": {focus: hit} if hit else {},
            "instructions": {s: w for s, w in instructions.items() if w}}
