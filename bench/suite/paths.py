"""Puts tests/system on sys.path: bench/suite's servers come from
tests/system/servers.py, the one servers module (canond, knotd, nsd, their
configurations, free_port, stopping a process tree) of the tests and bench/."""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
for _d in (os.path.join(ROOT, "tests", "system"), os.path.dirname(os.path.abspath(__file__))):
    if _d not in sys.path:
        sys.path.insert(0, _d)
