"""Fault-corpus helpers: the CLI as a real (warm-forked) process, config edits and the checks.

A case: copy the demo (`demo_copy`), break one thing (`edit_config`, files, env), run the tool
(`run_mw`), then `expect(FAULT, run, html=...)`. `prior_report` puts a previous good report in
the output folder first, so a failing case can prove it survived (`assert_kept`).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from corpus import Fault

REPORT_FILES = ("metrics_monitoring.html", "metrics_monitoring.pdf", "metrics.json")


@dataclass(frozen=True)
class Run:
    args: list[str]
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return norm(self.out + "\n" + self.err)

    def show(self) -> str:
        return f"$ metricwatch {' '.join(self.args)}\nexit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def norm(text: str) -> str:
    """Collapse whitespace (rich wraps long lines) so messages compare as one line."""
    return " ".join(text.split())


def html_text(path: Path) -> str:
    """The visible text of an HTML file: scripts/styles dropped, tags removed, entities decoded."""
    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", raw)
    raw = re.sub(r"(?s)<[^>]+>", " ", raw)
    return norm(html_lib.unescape(raw))


def run_mw(
    *args: str | Path,
    env: dict[str, str] | None = None,
    unset: tuple[str, ...] = (),
    cwd: Path | None = None,
    timeout: float = 600,
) -> Run:
    """`python -m metricwatch ARGS` as a real process (its own exit code, stdout, stderr),
    forked warm (support/warm_cli.py: a real exec when env changes a name read at import)."""
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    for name in unset:
        full_env.pop(name, None)
    from support.warm_cli import run_cli  # here: corpus.py loads us without tests/ on the path

    argv = [str(a) for a in args]
    proc = run_cli(argv, env=full_env, cwd=cwd, timeout=timeout)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr)


def expect(case: Fault, run: Run, html: Path | None = None) -> None:
    """The case's exit code and exact message; its report text when it declares one."""
    assert run.code == case.exit_code, f"[{case.id}] expected exit {case.exit_code}\n{run.show()}"
    assert norm(case.says) in run.text, f"[{case.id}] expected {case.says!r}\n{run.show()}"
    if case.report is not None:
        assert html is not None and Path(html).is_file(), f"[{case.id}] no report at {html}"
        text = html_text(Path(html))
        assert norm(case.report) in text, f"[{case.id}] report lacks {case.report!r}"


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def edit_config(config: Path, **sections: Any) -> Path:
    """Deep-merge sections into metricwatch.yaml (a None value removes that key)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    config.write_text(yaml.safe_dump(_merge(data, sections), sort_keys=False), encoding="utf-8")
    return config


def file_hashes(folder: Path, names: tuple[str, ...] = REPORT_FILES) -> dict[str, str]:
    return {
        n: hashlib.sha256((folder / n).read_bytes()).hexdigest()
        for n in names
        if (folder / n).is_file()
    }


def assert_kept(out: Path, hashes: dict[str, str]) -> None:
    """The previous report is still there, byte for byte."""
    assert file_hashes(out) == hashes, f"the previous report in {out} was changed or removed"


def work_bound(floor_s: float, code: str, factor: float = 5.0) -> int:
    """A time limit for work like `code`, measured here and now: factor × what running code
    in a fresh interpreter takes (a busy machine is slower), never under floor_s."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=600)
    return max(math.ceil(floor_s), math.ceil(factor * (time.monotonic() - start)))
