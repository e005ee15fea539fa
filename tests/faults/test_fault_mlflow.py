"""Faults of the MLflow source and the KPI section (section 1 of the report).

Every case breaks one thing in its own copy of the demo (or its tracking store) and runs
`metricwatch report` end to end as a real process: the report still renders, and its KPI section
says why it is empty or which values are unknown. `metricwatch check` runs too where the verdict
depends on the fault (no verdict: exit 2). Servers are real loopback sockets: one that accepts and
never answers, one that answers 401 like an authenticating proxy; "down" is a port nobody holds.

Speed: the `broken` fixture builds every case's input once, then runs all the commands two at a
time (CI has 2 cores; each report is one notebook kernel), and each test asserts on its case.
Independent faults of one store share a copy and its commands (`SHARED`).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from corpus import fault
from faultkit import Run, edit_config, expect, html_text, norm, run_mw
from support.loopback import serve
from support.mlflow_stores import file_store_allowed, tree_checksums

from metricwatch.procs import free_port
from metricwatch.sources.mlflow_filestore import RUN_NO_META

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # the fixture runs every case

# The cheapest report that still collects the KPIs and the (MLflow-reading) integrity part.
REPORT = ("--no-pdf", "--skip", "evidence", "--skip", "repro", "--skip", "drift")
FAKE_TOKEN = "mw-fault-fake-token-7f3a9c"
EXPERIMENT = "student-performance"

MANY_RUNS = fault(
    id="mlflow-more-than-1000-runs",
    area="MLflow",
    fault="The tracking store holds 1,005 runs (more than MLflow's 1,000-run default page)",
    command="metricwatch kpis; metricwatch report",
    exit_code=0,
    says="1,005 run(s) in student-performance (0 deleted excluded) from",
    report="1,005 run(s) in student-performance, every one in the table below.",
)
SERVER_DOWN = fault(
    id="mlflow-server-down",
    area="MLflow",
    fault="Nothing listens on the tracking server's port",
    command="metricwatch report",
    exit_code=0,
    says="tracking server unreachable while trying to search runs: connection refused "
    "(nothing is listening on that port).",
    report="tracking server unreachable while trying to search runs: connection refused "
    "(nothing is listening on that port).",
)
SERVER_DOWN_CHECK = fault(
    id="mlflow-server-down-check",
    area="MLflow",
    fault="Nothing listens on the tracking server's port (scheduled check)",
    command="metricwatch check",
    exit_code=2,
    says=SERVER_DOWN.says,
)
SERVER_SLOW = fault(
    id="mlflow-server-slow",
    area="MLflow",
    fault="The tracking server accepts connections and never answers (mlflow.timeout_s: 1)",
    command="metricwatch report",
    exit_code=0,
    says="tracking server unreachable while trying to search runs: no answer within the 1 s "
    "timeout. Gave up after",
    report="tracking server unreachable while trying to search runs: no answer within the 1 s "
    "timeout.",
)
SERVER_401 = fault(
    id="mlflow-401",
    area="MLflow",
    fault="The tracking server answers 401 to the token in MLFLOW_TRACKING_TOKEN",
    command="metricwatch report",
    exit_code=0,
    says="the tracking server refused our credentials while trying to search runs (HTTP 401): "
    "the token in MLFLOW_TRACKING_TOKEN was rejected; set MLFLOW_TRACKING_TOKEN to a valid "
    "token for this server.",
    report="the tracking server refused our credentials while trying to search runs (HTTP 401): "
    "the token in MLFLOW_TRACKING_TOKEN was rejected",
)
URI_UNSET = fault(
    id="mlflow-tracking-uri-unset",
    area="MLflow",
    fault="No mlflow.tracking_uri in the config and no MLFLOW_TRACKING_URI",
    command="metricwatch report",
    exit_code=0,
    says="mlflow.tracking_uri is not set and MLFLOW_TRACKING_URI is empty; set one (e.g. "
    "sqlite:///mlflow.db or http://127.0.0.1:5000). metricwatch never falls back to creating "
    "./mlruns.",
    report="mlflow.tracking_uri is not set and MLFLOW_TRACKING_URI is empty",
)
URI_UNSET_CHECK = fault(
    id="mlflow-tracking-uri-unset-check",
    area="MLflow",
    fault="No mlflow.tracking_uri in the config and no MLFLOW_TRACKING_URI (scheduled check)",
    command="metricwatch check",
    exit_code=2,
    says=URI_UNSET.says,
)
URI_UNSET_INTEGRITY = fault(
    id="mlflow-tracking-uri-unset-integrity",
    area="MLflow",
    fault="No mlflow.tracking_uri in the config and no MLFLOW_TRACKING_URI (release integrity: "
    "git and DVC are still checked, every MLflow item is ❓)",
    command="metricwatch integrity --format markdown",
    exit_code=2,
    says="- [ ] ❓ MLflow run tagged with the version: not checked (mlflow.tracking_uri is not "
    "set): set mlflow.tracking_uri (e.g. sqlite:///mlflow.db or http://127.0.0.1:5000)",
)
NO_META = fault(
    id="mlflow-file-store-run-without-meta",
    area="MLflow",
    fault="A run folder of a file tracking store lost its meta.yaml",
    command="metricwatch report",
    exit_code=0,
    says=RUN_NO_META,
    report=RUN_NO_META,
)
BASELINE_DELETED = fault(
    id="mlflow-baseline-deleted",
    area="MLflow",
    fault="The run tagged stage=baseline was deleted in MLflow",
    command="metricwatch report",
    exit_code=0,
    says="baseline (tag stage=baseline) is a deleted run; restore it (MLflow UI, or "
    "MlflowClient().restore_run) or change the baseline section; metricwatch never picks "
    "another run.",
    report="baseline (tag stage=baseline) is a deleted run; restore it",
)
BASELINE_DELETED_CHECK = fault(
    id="mlflow-baseline-deleted-check",
    area="MLflow",
    fault="The run tagged stage=baseline was deleted in MLflow (scheduled check)",
    command="metricwatch check",
    exit_code=2,
    says=BASELINE_DELETED.says,
)
NAN_INF = fault(
    id="mlflow-nan-inf-metrics",
    area="MLflow",
    fault="A run logged rmse = NaN, qwk = inf and train_time_s = 1.797e308",
    command="metricwatch report",
    exit_code=0,
    says="warning: KPI values that are NaN or ±inf (unknown, never counted as a pass):",
    report="Unknown values, never counted as a pass:",
)


# --- helpers -------------------------------------------------------------------------------


def kpi_section(html: Path) -> str:
    """The visible text of section 1 (KPIs) of the English report."""
    text = html_text(html)
    start = text.index("1. Project KPIs")
    return text[start : text.index("2. Version integrity", start)]


def rule_rows(check: Run, rule: str) -> list[dict]:
    return [f for f in json.loads(check.out)["flags"] if f["rule"] == rule]


def _client(uri: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=uri)


def _db_uri(demo: Path) -> str:
    return f"sqlite:///{demo / 'mlflow.db'}"


def demo_runs(demo: Path) -> list[Any]:
    client = _client(_db_uri(demo))
    exp = client.get_experiment_by_name(EXPERIMENT)
    return client.search_runs([exp.experiment_id], order_by=["attributes.start_time ASC"])


def run_of(demo: Path, **tags: str) -> Any:
    (run,) = [r for r in demo_runs(demo) if all(r.data.tags.get(k) == v for k, v in tags.items())]
    return run


@contextmanager
def silent_server(held: list[socket.socket]) -> Iterator[str]:
    """A loopback TCP server that accepts every connection (into `held`) and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:  # the 0.2 s accept timeout
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        sock.close()


@contextmanager
def unauthorized_server(seen: list[str]) -> Iterator[str]:
    """A loopback HTTP server answering 401 to everything, like an authenticating proxy.

    Appends the Authorization header of each request to `seen` (to prove the token was sent).
    """

    class Handler(BaseHTTPRequestHandler):
        def _deny(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            body = b"401 Unauthorized"
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="mlflow"')
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _deny

        def log_message(self, *args: object) -> None:
            pass

    with serve(Handler) as url:
        yield url


def clone_runs(db: Path, template_id: str, n: int) -> None:
    """n copies of one run in the same SQLite store, straight in SQL (cheap at 1,000+ runs).

    Each copy gets a new id, name, an earlier start time and its own metric values; the
    version/stage tags are left out so the releases and the baseline stay the demo's.
    """
    con = sqlite3.connect(db)
    try:
        tables = ("runs", "latest_metrics", "metrics", "params", "tags")
        cols = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
        rows = {
            t: con.execute(f"SELECT * FROM {t} WHERE run_uuid = ?", (template_id,)).fetchall()
            for t in tables
        }
        for t in tables:
            out = []
            for i in range(1, n + 1):
                rid, name = uuid.uuid4().hex, f"clone-{i:05d}"
                for row in rows[t]:
                    d = dict(zip(cols[t], row, strict=True))
                    d["run_uuid"] = rid
                    if t == "runs":
                        d.update(
                            name=name,
                            start_time=d["start_time"] - 1000 * i,
                            artifact_uri=str(d["artifact_uri"]).replace(template_id, rid),
                        )
                    elif t in ("metrics", "latest_metrics"):
                        d["value"] = d["value"] * (1 + i / (10 * n))
                    elif t == "tags" and d["key"] in ("version", "stage"):
                        continue
                    elif t == "tags" and d["key"] == "mlflow.runName":
                        d["value"] = name
                    out.append(tuple(d[c] for c in cols[t]))
            marks = ",".join("?" * len(cols[t]))
            con.executemany(f"INSERT INTO {t} VALUES ({marks})", out)
        con.commit()
    finally:
        con.close()


def to_file_store(demo: Path, root: Path) -> dict[str, str]:
    """The demo's runs (tags, params, latest metrics, times, status) copied into a file store.

    Returns {version tag: new run id}.
    """
    from mlflow.entities import Metric, Param, RunTag

    ids = {}
    with file_store_allowed():
        client = _client(root.as_uri())
        exp = client.create_experiment(EXPERIMENT)
        for r in demo_runs(demo):
            info, data = r.info, r.data
            rid = client.create_run(exp, start_time=info.start_time, run_name=info.run_name)
            rid = rid.info.run_id
            client.log_batch(
                rid,
                metrics=[Metric(k, v, info.start_time, 0) for k, v in data.metrics.items()],
                params=[Param(k, v) for k, v in data.params.items()],
                tags=[RunTag(k, v) for k, v in data.tags.items() if not k.startswith("mlflow.")],
            )
            client.set_terminated(rid, status=info.status, end_time=info.end_time)
            ids[data.tags.get("version", rid)] = rid
    return ids


# --- the broken inputs, one builder per case -----------------------------------------------


@dataclass
class Case:
    cfg: Path
    env: dict[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    commands: tuple[str, ...] = ("report",)  # also "check", "kpis", "integrity"
    facts: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, Run] = field(default_factory=dict)

    @property
    def html(self) -> Path:
        return self.cfg.parent / "out" / "metrics_monitoring.html"

    def argv(self, command: str) -> list[str | Path]:
        if command == "report":
            return ["report", "-c", self.cfg, "-o", self.cfg.parent / "out", *REPORT]
        if command == "check":
            return ["check", "-c", self.cfg, "-f", "json"]
        if command == "integrity":
            return ["integrity", "-c", self.cfg, "--format", "markdown"]
        return ["kpis", "-c", self.cfg, "--format", "csv", "--no-dvc"]


Servers = dict[str, Any]


def many_runs(demo: Path, _: Servers) -> Case:
    template = run_of(demo, version="v1.0.1")
    clone_runs(demo / "mlflow.db", template.info.run_id, 1005 - len(demo_runs(demo)))
    return Case(demo / "metricwatch.yaml", commands=("kpis", "report"))


def server_down(demo: Path, _: Servers) -> Case:
    port = free_port()
    mlflow = {"tracking_uri": f"http://127.0.0.1:{port}", "timeout_s": 2, "max_retries": 0}
    cfg = edit_config(demo / "metricwatch.yaml", mlflow=mlflow)
    return Case(cfg, commands=("report", "check"), facts={"port": port})


def server_slow(demo: Path, servers: Servers) -> Case:
    mlflow = {"tracking_uri": servers["silent"], "timeout_s": 1, "max_retries": 0}
    return Case(edit_config(demo / "metricwatch.yaml", mlflow=mlflow))


def server_401(demo: Path, servers: Servers) -> Case:
    mlflow = {"tracking_uri": servers["401"], "timeout_s": 5, "max_retries": 2}
    cfg = edit_config(demo / "metricwatch.yaml", mlflow=mlflow)
    return Case(cfg, env={"MLFLOW_TRACKING_TOKEN": FAKE_TOKEN})


def uri_unset(demo: Path, _: Servers) -> Case:
    cfg = edit_config(demo / "metricwatch.yaml", mlflow={"tracking_uri": None})
    return Case(cfg, unset=("MLFLOW_TRACKING_URI",), commands=("report", "check", "integrity"))


def no_meta(demo: Path, _: Servers) -> Case:
    root = demo / "mlruns"
    ids = to_file_store(demo, root)
    (lost,) = root.glob(f"*/{ids['v1.0.1']}/meta.yaml")
    lost.unlink()
    cfg = edit_config(demo / "metricwatch.yaml", mlflow={"tracking_uri": root.as_uri()})
    names = {r.data.tags["version"]: r.info.run_name for r in demo_runs(demo)}
    facts = {"run_dir": lost.parent, "names": names, "store": tree_checksums(root), "root": root}
    return Case(cfg, facts=facts)


def baseline_deleted(demo: Path, _: Servers) -> Case:
    base = run_of(demo, stage="baseline")
    _client(_db_uri(demo)).delete_run(base.info.run_id)
    return Case(
        demo / "metricwatch.yaml", commands=("report", "check"), facts={"id": base.info.run_id}
    )


def nan_inf(demo: Path, _: Servers) -> Case:
    cand = run_of(demo, version="v1.0.3")
    rid = cand.info.run_id
    client = _client(_db_uri(demo))
    client.log_metric(rid, "rmse", float("nan"))
    client.log_metric(rid, "qwk", float("inf"))
    client.log_metric(rid, "train_time_s", 1.797e308)  # what SQL stores keep for +inf
    bad = f"{cand.info.run_name} ({rid[:8]}): rmse = NaN, qwk = inf, train_time_s = inf"
    return Case(demo / "metricwatch.yaml", commands=("report", "check"), facts={"bad": bad})


def nan_inf_in_many_runs(demo: Path, servers: Servers) -> Case:
    """Two independent store faults in one copy, so one `kpis` + `report` + `check` serve both
    cases: NaN/inf metrics on v1.0.3's run (logged first: the search that finds it stops at
    1,000 runs), then 1,005 runs in all (untagged clones of v1.0.1, whose metrics are finite)."""
    bad = nan_inf(demo, servers)
    many = many_runs(demo, servers)
    return Case(many.cfg, commands=("kpis", "report", "check"), facts=bad.facts)


BUILDERS: dict[str, Callable[[Path, Servers], Case]] = {
    MANY_RUNS.id: nan_inf_in_many_runs,
    SERVER_DOWN.id: server_down,
    SERVER_SLOW.id: server_slow,
    SERVER_401.id: server_401,
    URI_UNSET.id: uri_unset,
    NO_META.id: no_meta,
    BASELINE_DELETED.id: baseline_deleted,
}
SHARED = {NAN_INF.id: MANY_RUNS.id}  # case → the case whose input and runs it reads


@pytest.fixture(scope="module")
def broken(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Case]]:
    """Every case's input built in its own demo copy, then all commands run, two at a time."""
    seen: list[str] = []
    held: list[socket.socket] = []
    with ExitStack() as stack:
        servers = {
            "silent": stack.enter_context(silent_server(held)),
            "401": stack.enter_context(unauthorized_server(seen)),
        }
        cases = {}
        for case_id, build in BUILDERS.items():
            demo = tmp_path_factory.mktemp(case_id) / "demo"
            shutil.copytree(demo_dir, demo, symlinks=True)
            cases[case_id] = build(demo, servers)
        cases[SERVER_401.id].facts["seen"] = seen
        cases[SERVER_SLOW.id].facts["held"] = held
        jobs = [(c, cmd) for c in cases.values() for cmd in c.commands]
        cases.update({case_id: cases[other] for case_id, other in SHARED.items()})

        def go(job: tuple[Case, str]) -> None:
            case, cmd = job
            case.runs[cmd] = run_mw(*case.argv(cmd), env=case.env, unset=case.unset, timeout=300)

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(go, jobs))
    yield cases


# --- the cases -----------------------------------------------------------------------------


def test_more_than_1000_runs_are_all_in_the_kpi_section(broken: dict[str, Case]) -> None:
    case = broken[MANY_RUNS.id]
    kpis, report = case.runs["kpis"], case.runs["report"]
    assert len(kpis.out.strip().splitlines()) == 1 + 1005, kpis.show()
    assert report.code == 0, report.show()
    expect(MANY_RUNS, kpis, html=case.html)
    assert norm(MANY_RUNS.report or "") in kpi_section(case.html)
    table = re.search(r'(?s)<table class="mw-table mw-kpis">.*?</table>', case.html.read_text())
    assert table is not None and table.group(0).count("<tr") == 1 + 1005


def test_server_down_report_renders_and_check_has_no_verdict(broken: dict[str, Case]) -> None:
    case = broken[SERVER_DOWN.id]
    expect(SERVER_DOWN, case.runs["report"], html=case.html)
    section = kpi_section(case.html)
    port = case.facts["port"]
    assert section.startswith(f"1. Project KPIs ❓ Not available: http://127.0.0.1:{port}:")
    assert norm(SERVER_DOWN.report or "") in section
    check = case.runs["check"]
    expect(SERVER_DOWN_CHECK, check)
    assert f"exit 2: no verdict possible: kpis: http://127.0.0.1:{port}:" in check.text
    assert {f["outcome"] for f in rule_rows(check, "rmse")} == {"no data"}


def test_server_slow_times_out_and_the_report_renders(broken: dict[str, Case]) -> None:
    case = broken[SERVER_SLOW.id]
    expect(SERVER_SLOW, case.runs["report"], html=case.html)
    assert norm(SERVER_SLOW.report or "") in kpi_section(case.html)
    # one request, one wait: integrity reuses the KPI part's failure instead of asking again
    assert len(case.facts["held"]) == 1


def test_401_names_the_variable_never_its_value(broken: dict[str, Case]) -> None:
    case = broken[SERVER_401.id]
    run = case.runs["report"]
    expect(SERVER_401, run, html=case.html)
    assert norm(SERVER_401.report or "") in kpi_section(case.html)
    assert f"Bearer {FAKE_TOKEN}" in case.facts["seen"]  # sent, so it is the one refused
    assert FAKE_TOKEN not in run.out + run.err
    for path in case.html.parent.rglob("*"):
        if path.is_file():
            assert FAKE_TOKEN.encode() not in path.read_bytes(), path


def test_unset_tracking_uri(broken: dict[str, Case]) -> None:
    case = broken[URI_UNSET.id]
    expect(URI_UNSET, case.runs["report"], html=case.html)
    assert norm(URI_UNSET.report or "") in kpi_section(case.html)
    assert not (case.cfg.parent / "mlruns").exists()  # no store created as a fallback
    check = case.runs["check"]
    expect(URI_UNSET_CHECK, check)
    assert "exit 2: no verdict possible: kpis:" in check.text
    integrity = case.runs["integrity"]
    expect(URI_UNSET_INTEGRITY, integrity)
    # one row per tag; the git and DVC items are checked (v1.0.3 was never pushed: ❌)
    for tag in ("v1.0.0", "v1.0.1", "v1.0.2", "v1.0.3"):
        assert f"**{tag}**" in integrity.out
    assert integrity.out.count("- [x] ✅ git tag exists") == 4
    assert integrity.out.count("- [x] ✅ dvc.yaml + dvc.lock at the tag") == 4
    assert integrity.out.count("- [x] ✅ outputs on the DVC remote") == 3
    assert integrity.out.count("- [ ] ❌ outputs on the DVC remote") == 1
    # per tag: the four MLflow items and the registered model version (the demo sets it)
    assert integrity.out.count("- [ ] ❓") == 4 * 5
    assert integrity.out.count("- [ ] ❓ registered model version for this run: not checked") == 4
    assert "4 tag(s): 0 ✅, 0 ⚠, 1 ❌, 3 ❓" in integrity.text


def test_file_store_run_without_meta_yaml_is_named_not_dropped(broken: dict[str, Case]) -> None:
    case = broken[NO_META.id]
    expect(NO_META, case.runs["report"], html=case.html)
    section = kpi_section(case.html)
    assert f"{case.facts['run_dir']}: {RUN_NO_META}" in section
    names = case.facts["names"]
    assert names["v1.0.1"] not in section and names["v1.0.0"] in section
    assert tree_checksums(case.facts["root"]) == case.facts["store"]  # read-only: no repair


def test_deleted_baseline_is_named_and_check_has_no_verdict(broken: dict[str, Case]) -> None:
    case = broken[BASELINE_DELETED.id]
    expect(BASELINE_DELETED, case.runs["report"], html=case.html)
    section = kpi_section(case.html)
    assert norm(BASELINE_DELETED.report or "") in section and case.facts["id"] in section
    check = case.runs["check"]
    expect(BASELINE_DELETED_CHECK, check)
    assert "exit 2: no verdict possible: kpis:" in check.text
    assert {f["outcome"] for f in rule_rows(check, "rmse")} == {"no data"}


def test_nan_inf_and_max_float_metrics_are_unknown(broken: dict[str, Case]) -> None:
    case = broken[NAN_INF.id]
    run, bad = case.runs["report"], case.facts["bad"]
    expect(NAN_INF, run, html=case.html)
    assert bad in run.text
    assert f"{NAN_INF.report} {bad}." in kpi_section(case.html)
    check = case.runs["check"]
    assert check.code == 1, check.show()  # the demo's own breaches (drift, integrity)
    assert bad in check.text
    for rule, state in (("rmse", "nan"), ("qwk", "inf"), ("train_time_s", "inf")):
        (flag,) = [f for f in rule_rows(check, rule) if f["version"] == "v1.0.3"]
        assert flag["outcome"] == "no data" and flag["reason"] == f"{rule} is {state}", flag
