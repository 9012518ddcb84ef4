"""The system tests need dnspython, which Debian's /usr/bin/python3 has
(python3-dnspython) and a pyenv or venv python first in PATH may not: re-run
the test under /usr/bin/python3 then, once."""
import os
import sys


def ensure_dnspython(who):
    try:
        import dns.message  # noqa: F401
    except ImportError:
        if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3" \
                and not os.environ.get("CANON_SYSTEM_REEXEC"):
            os.environ["CANON_SYSTEM_REEXEC"] = "1"
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        print(f"{who}: python3-dnspython is required", file=sys.stderr)
        sys.exit(1)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
