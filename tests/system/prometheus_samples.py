"""A Prometheus text exposition parsed by hand into {(name, labels): value},
for tests that compare counters before and after (daemon_policy.py,
dpdk_netns.py)."""
import re

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """{(name, frozenset(labels)): value}; a line that is no sample fails."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError(f"not a sample line: {line!r}")
        out[(m.group(1), frozenset(LABEL.findall(m.group(2) or "")))] = float(m.group(3))
    return out


def value(s, name, default=0.0, **labels):
    """The sample `name` with exactly `labels`, or `default`."""
    return s.get((name, frozenset(labels.items())), default)
