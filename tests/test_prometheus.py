from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.rule_statuses import statuses
from support.webhook_receiver import Receiver, Reply

from metricwatch.alerts.prometheus import (
    METRICS,
    Snapshot,
    push,
    render_text,
    snapshot_from,
    write_textfile,
)
from metricwatch.alerts.prometheus_serve import Exporter
from metricwatch.config import parse_config
from metricwatch.errors import AlertError
from metricwatch.rules import evaluate
from metricwatch.rules_model import MetricInput, RuleInputs, VersionInputs


def vi(version: str, run_id: str, run_name: str, **vals: float) -> VersionInputs:
    values = {k: MetricInput(value=v, state="ok") for k, v in vals.items()}
    values["qwk"] = MetricInput(value=None, state="nan")
    return VersionInputs(version=version, run_id=run_id, run_name=run_name, values=values)


BASE = vi("v1.0.0", "run0aaaa", "baseline-run-name", rmse=1.0, train_time_s=100.0)
CAND = vi("v1.0.3", "run3bbbb", "candidate-run-name", rmse=1.3, train_time_s=90.0)
INPUTS = RuleInputs(
    versions=[BASE, CAND],
    candidate=CAND,
    baseline=BASE,
    dataset_drift_pct=12.5,
    statuses=statuses({"v1.0.0": "ok", "v1.0.2": "fail", "v1.0.3": "warn"}, "identical"),
)


def snapshot(**kw) -> Snapshot:
    flags = evaluate(parse_config({}, "m.yaml", Path(".")), INPUTS)
    kw.setdefault("feature_js", {"age": 0.05, "income": 0.31, "broken": float("nan")})
    kw.setdefault("parts", {"kpis": True, "drift": True, "integrity": True, "repro": True})
    kw.setdefault("last_success", 1_700_000_000.0)
    return snapshot_from(INPUTS, flags, **kw)


LAST = ("metricwatch_last_success_timestamp_seconds", ())


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def check_exposition(text: str, last_success: float = 1_700_000_000.0) -> None:
    got = samples(text)
    assert got[("metricwatch_kpi_value", (("metric", "rmse"), ("version", "v1.0.3")))] == 1.3
    assert (
        got[("metricwatch_kpi_value", (("metric", "train_time_s"), ("version", "v1.0.0")))] == 100
    )
    assert not [k for k in got if k[0] == "metricwatch_kpi_value" and ("metric", "qwk") in k[1]]
    assert got[("metricwatch_kpi_candidate", (("metric", "rmse"),))] == 1.3
    assert got[("metricwatch_kpi_baseline", (("metric", "train_time_s"),))] == 100
    assert ("metricwatch_kpi_candidate", (("metric", "qwk"),)) not in got  # NaN: no sample
    assert got[("metricwatch_rule_breached", (("rule", "rmse"), ("severity", "warn")))] == 1
    assert got[("metricwatch_rule_breached", (("rule", "train_time_s"), ("severity", "warn")))] == 0
    assert got[("metricwatch_rule_breached", (("rule", "integrity"), ("severity", "fail")))] == 1
    assert got[("metricwatch_rule_no_data", (("rule", "qwk"),))] == 1
    assert got[("metricwatch_rule_no_data", (("rule", "rmse"),))] == 0
    assert got[("metricwatch_drift_dataset_pct", ())] == 12.5
    assert got[("metricwatch_drift_feature_js", (("feature", "income"),))] == 0.31
    assert ("metricwatch_drift_feature_js", (("feature", "broken"),)) not in got  # NaN dropped
    assert got[("metricwatch_integrity_status", (("tag", "v1.0.2"),))] == 2
    assert got[("metricwatch_integrity_status", (("tag", "v1.0.3"),))] == 1
    assert got[("metricwatch_repro_verdict", (("verdict", "identical"),))] == 1
    assert got[("metricwatch_repro_verdict", (("verdict", "differ"),))] == 0
    assert got[("metricwatch_part_up", (("part", "kpis"),))] == 1
    assert got[("metricwatch_last_success_timestamp_seconds", ())] == last_success
    # bounded label sets: no run ids, run names or URLs anywhere
    for name, labels in got:
        assert name in METRICS
        assert set(dict(labels)) <= set(METRICS[name][1])
    for word in ("run0aaaa", "run3bbbb", "candidate-run-name", "http"):
        assert word not in text.replace("# HELP", "")


def test_exposition_has_every_gauge_with_bounded_labels() -> None:
    check_exposition(render_text(snapshot()))


def test_textfile_is_written_atomically_and_parses(tmp_path: Path) -> None:
    path = tmp_path / "metricwatch.prom"
    path.write_text("stale\n")
    write_textfile(path, snapshot())
    check_exposition(path.read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metricwatch.prom"]  # no temp left
    assert (path.stat().st_mode & 0o777) == 0o644


def test_textfile_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(AlertError, match=r"metricwatch.txt: node_exporter reads only \*.prom"):
        write_textfile(tmp_path / "metricwatch.txt", snapshot())
    with pytest.raises(AlertError, match=r"nope: folder does not exist"):
        write_textfile(tmp_path / "nope" / "m.prom", snapshot())


WRITE_PAST_LIMIT = """
import resource, sys
from pathlib import Path
from metricwatch.alerts.prometheus import Snapshot, write_textfile
from metricwatch.errors import AlertError
resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))  # writes past 512 bytes fail: EFBIG
try:
    write_textfile(Path(sys.argv[1]), Snapshot(feature_js={f"f{i}": 0.5 for i in range(100)}))
except AlertError as exc:
    print(exc)
"""


def test_textfile_write_failure_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "metricwatch.prom"
    path.write_text("previous 1\n")
    proc = subprocess.run(
        [sys.executable, "-c", WRITE_PAST_LIMIT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.startswith(
        f"cannot write the Prometheus textfile {path}: File too large. The previous file is "
        "left in place (node_exporter keeps serving it). To fix: the file is larger than"
    ), proc.stdout + proc.stderr
    assert path.read_text() == "previous 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metricwatch.prom"]


def test_metrics_endpoint_serves_and_refreshes() -> None:
    state = {"calls": 0, "healthy": True}

    def refresh() -> Snapshot:
        state["calls"] += 1
        if not state["healthy"]:
            raise RuntimeError("MLflow unreachable")
        return snapshot(last_success=float(state["calls"]))

    errors: list[BaseException] = []
    exp = Exporter(refresh, port=0, refresh_s=0.2, on_error=errors.append)
    exp.start()

    def wait_for(cond) -> None:
        """cond must hold within three refreshes (counted, not timed: a busy machine only
        makes them come later; a refresher that stops is caught by the test's timeout)."""
        last = state["calls"] + 3
        while not cond() and state["calls"] < last:
            time.sleep(0.02)
        assert cond()

    try:
        assert exp.host == "127.0.0.1"
        url = f"http://127.0.0.1:{exp.port}/metrics"
        first = samples(httpx.get(url, timeout=5).text)
        good_ts = first[("metricwatch_last_success_timestamp_seconds", ())]
        assert good_ts >= 1.0
        wait_for(lambda: mock_ts(exp) > good_ts)  # refreshed on the interval
        ts = samples(httpx.get(url, timeout=5).text)
        assert ts[("metricwatch_last_success_timestamp_seconds", ())] > good_ts
        text = httpx.get(url, timeout=5).text
        check_exposition(text, last_success=samples(text)[LAST])
        state["healthy"] = False
        wait_for(lambda: bool(errors))
        assert str(errors[0]) == "MLflow unreachable"
        down = samples(httpx.get(url, timeout=5).text)
        assert down[("metricwatch_part_up", (("part", "kpis"),))] == 0
        assert down[("metricwatch_kpi_value", (("metric", "rmse"), ("version", "v1.0.3")))] == 1.3
        stale_ts = down[("metricwatch_last_success_timestamp_seconds", ())]
        state["healthy"] = True
        wait_for(lambda: mock_ts(exp) > stale_ts)
        up = samples(httpx.get(url, timeout=5).text)
        assert up[("metricwatch_part_up", (("part", "kpis"),))] == 1
        assert up[("metricwatch_last_success_timestamp_seconds", ())] > stale_ts
    finally:
        exp.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(url, timeout=2)


def mock_ts(exp: Exporter) -> float:
    ts = exp.collector.snapshot.last_success
    assert ts is not None
    return ts


def test_pushgateway_push_puts_the_exposition() -> None:
    with Receiver() as rcv:
        push(rcv.url(""), "metricwatch", snapshot(), timeout_s=5)
        (req,) = rcv.requests
        assert (req.method, req.path) == ("PUT", "/metrics/job/metricwatch")
        check_exposition(req.body.decode())
        rcv.reset(Reply(500, body="down"))
        with pytest.raises(AlertError) as exc:
            push(rcv.url("") + "?token=SECRETTOKEN", "metricwatch", snapshot(), timeout_s=5)
        assert re.match(r"^Pushgateway http://127.0.0.1:\d+\?\*\*\*: push failed", str(exc.value))
        assert "SECRETTOKEN" not in str(exc.value)
