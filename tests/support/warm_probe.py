"""A script for tests/test_warm_cli.py, run by the warm CLI runner: it reports what a process
sees, exits with a code, crashes or hangs with a grandchild, as its first argument says."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def facts() -> None:
    print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "pgid": os.getpgrp(),
                      "cwd": os.getcwd(), "env": dict(os.environ), "argv": sys.argv,
                      "stdin": sys.stdin.read()}))  # fmt: skip
    print("to stderr", file=sys.stderr)


def hang(pid_file: str) -> None:
    child = subprocess.Popen(["sleep", "300"])
    Path(pid_file).write_text(str(child.pid), encoding="utf-8")
    time.sleep(300)


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "facts":
        facts()
    elif what == "exit":
        print("leaving", flush=False)  # flushed at exit, as a fresh process does
        sys.exit(int(sys.argv[2]))
    elif what == "abort":
        os.abort()
    elif what == "raise":
        raise ValueError("probe failed")
    elif what == "hang":
        hang(sys.argv[2])
