"""Run one of metricwatch's DVC worker modules in a child process, bounded by dvc.timeout_s.

DVC's Python API runs in a child (not one CLI call per revision): the parent can bound it with
a timeout, and DVC's logging and global state stay out of metricwatch's process. The worker
prints one JSON document; every failure is a SourceError naming the repository and the fix.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from metricwatch.errors import SourceError
from metricwatch.procs import run
from metricwatch.sources.views import DvcSource


def run_worker(source: DvcSource, module: str, args: list[str], *, what: str, doing: str) -> Any:
    """JSON output of `python -m module REPO ARGS…` run in the project.

    what: the data read, for messages ("DVC metrics"); doing: the timed-out step
    ("reading DVC metrics at 3 tag(s)").
    """
    repo = source.project
    res = run(
        [sys.executable, "-m", module, str(repo), *args], timeout_s=source.timeout_s, cwd=repo
    )
    if res.timed_out:
        raise SourceError(
            f"{repo}: {doing} timed out after {source.timeout_s:g} s; raise dvc.timeout_s in "
            f"{source.config_file}."
        )
    if res.returncode != 0:
        tail = "\n".join(res.stderr.strip().splitlines()[-5:])
        raise SourceError(f"{repo}: cannot read {what} (is it a DVC project?): {tail}")
    try:
        return json.loads(res.stdout)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{repo}: unreadable output from the {what} reader: {exc}") from exc
