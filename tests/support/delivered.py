"""The demo's deliverable, made once per pytest run and read by every file that needs it.

`make report` (every part, HTML + PDF), `check --notify` and `export prometheus` run, in that
order, as a user runs them, on a private copy of the demo, with fake secrets planted in their
environment and a real webhook receiver on 127.0.0.1. What they produced, what they printed
and the hashes of every file before and after are kept, so tests/test_report.py (facts, secrets,
nothing touched, history; its Spanish report renders this one's metrics.json), the fault
corpus's previous good report (tests/faults/conftest.py) and tests/test_render_quarto_parts.py
(the executed notebook through Pandoc + Typst) read the same report instead of rendering one
each (about a CPU-minute each).

Everything lives under a `.hidden/` folder, as on a machine whose cache is ~/.cache (Quarto's
dot-folder trouble). Read-only for tests: copy what you change.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from support.session_cache import private_copy
from support.webhook_receiver import Receiver

# Fake secrets planted in the environment of every command; none may appear in any output.
SECRETS = {
    "MLFLOW_TRACKING_TOKEN": "mwfake-token-3f9a1c77e2",
    "MLFLOW_TRACKING_PASSWORD": "mwfake-password-b81d4e",
    "AWS_ACCESS_KEY_ID": "AKIAMWFAKE7Q2W9E4R1T",
    "AWS_SECRET_ACCESS_KEY": "mwfake-aws-secret-9b7c5a3e1d",
}
HOOK_SECRET = "mwfake-hook-path-51d0c2a8"  # the secret part of the webhook URL
REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_CODES = {"make report": 0, "check --notify": 1, "export prometheus": 0}
RECORD = "delivered.json"


@dataclass
class Delivered:
    """`make report` and the alert commands, run once on a private copy of the demo."""

    root: Path  # the demo copy: metricwatch.yaml, project/, remote/, mlflow.db, mlartifacts/
    out: Path  # report.output
    cache: Path  # XDG_CACHE_HOME of the commands (build folder, verdict and evidence caches)
    before: dict[str, str]
    after: dict[str, str]
    streams: dict[str, str]  # command → its stdout + stderr
    codes: dict[str, int]  # command → its exit code
    hook_requests: int

    @property
    def config(self) -> Path:
        return self.root / "metricwatch.yaml"


def state(root: Path) -> dict[str, str]:
    """SHA-256 of every file under root (work tree, .git, DVC cache, remote, tracking store)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _configure(root: Path) -> None:
    """The demo's config plus a Slack webhook (from an env var) and a Prometheus textfile."""
    path = root / "metricwatch.yaml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    cfg["alerts"] = {"slack_webhook_env": "MW_TEST_SLACK_WEBHOOK",
                     "prometheus": {"textfile": "metrics/metricwatch.prom"}}  # fmt: skip
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    (root / "metrics").mkdir()


def _commands(root: Path) -> dict[str, list[str]]:
    config = str(root / "metricwatch.yaml")
    return {
        "make report": ["make", "-s", "-C", str(REPO_ROOT), "report",
                        f"PROJECT={root / 'project'}", f"CONFIG={config}"],
        "check --notify": [sys.executable, "-m", "metricwatch", "check", "-c", config,
                           "--notify", "--fail-on", "warn"],
        "export prometheus": [sys.executable, "-m", "metricwatch", "export", "prometheus",
                              "-c", config],
    }  # fmt: skip


def build_delivered(demo: Path, target: Path) -> None:
    """Run the three commands on a copy of the demo at `target/.hidden/demo`; record them."""
    base = target / ".hidden"
    root, cache = private_copy(demo, base / "demo"), base / "cache"
    _configure(root)
    before = state(root)
    streams, codes = {}, {}
    with Receiver() as hook:
        env = {**os.environ, **SECRETS, "XDG_CACHE_HOME": str(cache), "COLUMNS": "200",
               "MW_TEST_SLACK_WEBHOOK": hook.url(f"/services/T0/B0/{HOOK_SECRET}")}  # fmt: skip
        for name, argv in _commands(root).items():
            proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1200)
            streams[name], codes[name] = proc.stdout + proc.stderr, proc.returncode
        requests = len(hook.requests)
    record = Delivered(root, root / "reports", cache, before, state(root), streams, codes, requests)
    fields = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(record).items()}
    (target / RECORD).write_text(json.dumps(fields), encoding="utf-8")


def load_delivered(target: Path) -> Delivered:
    fields = json.loads((target / RECORD).read_text(encoding="utf-8"))
    for key in ("root", "out", "cache"):
        fields[key] = Path(fields[key])
    return Delivered(**fields)
