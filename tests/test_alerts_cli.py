"""`metricwatch check / alert / export prometheus / serve` end to end on a real git + DVC repo
with release tags and a real SQLite MLflow store; webhooks go to a real loopback receiver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.check_project import build_check_project, write_cfg
from support.webhook_receiver import Receiver, Reply

from metricwatch.cli import main
from metricwatch.procs import free_port

pytestmark = pytest.mark.slow

SECRET_PATH = "T0PLANTED/B0PLANTED/xoxb-planted-webhook-secret"
SECRET_TOKEN = "planted-mlflow-token-abcdef"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_check_project(tmp_path_factory.mktemp("mwcheck"))


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def secrets_env(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "MW_TEST_SLACK": receiver.url(f"/slack/{SECRET_PATH}"),
        "MW_TEST_TEAMS": receiver.url(f"/teams/{SECRET_PATH}"),
        "MLFLOW_TRACKING_TOKEN": SECRET_TOKEN,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    for text in (out, err):
        assert SECRET_PATH not in text and SECRET_TOKEN not in text
    return code, out, err


def test_check_default_rules_exit_1_on_the_missing_run(
    project: Path, capsys: pytest.CaptureFixture[str], secrets_env: dict[str, str]
) -> None:
    cfg = write_cfg(project, "default.yaml")
    code, out, err = run_cli(capsys, "check", "-c", str(cfg), "--format", "json")
    doc = json.loads(out)
    flags = {(f["rule"], f["version"]): f for f in doc["flags"]}
    assert flags[("rmse", "v1.0.1")]["outcome"] == "breach"
    assert flags[("rmse", "v1.0.1")]["threshold"] == pytest.approx(1.10)
    assert flags[("train_time_s", "v1.0.1")]["outcome"] == "breach"
    assert flags[("train_time_s", "v1.0.1")]["baseline"] == 100.0
    assert flags[("qwk", "v1.0.1")]["outcome"] == "pass"
    assert flags[("integrity", "v1.0.2")]["outcome"] == "breach"  # the release without a run
    assert flags[("integrity", "v1.0.2")]["severity"] == "fail"
    assert doc["errors"].keys() == {"drift"}  # drift is not configured here: not computed
    assert flags[("drift_pct", "v1.0.1")]["outcome"] == "pass"  # the run's logged drift %
    assert code == doc["exit_code"] == 1
    assert "exit 1: breached at or above 'fail'" in err and "integrity [v1.0.2]" in err


def test_check_fail_on_warn_and_formats(
    project: Path, capsys: pytest.CaptureFixture[str], secrets_env: dict[str, str]
) -> None:
    rules = {
        "rmse": {"max_ratio_to_baseline": 1.10},
        "train_time_s": {"max_ratio_to_baseline": 1.25},
        "integrity": {"metric": "integrity", "enabled": False},
    }
    cfg = write_cfg(project, "warn.yaml", {"thresholds": rules})
    code, out, _ = run_cli(capsys, "check", "-c", str(cfg))
    assert code == 0  # the breaches are warnings
    assert "rmse" in out and "breach" in out
    code, out, _ = run_cli(capsys, "check", "-c", str(cfg), "--fail-on", "warn", "-f", "markdown")
    assert code == 1
    assert out.startswith("## metricwatch check: cli-test — ❌ breached")
    table = [ln for ln in out.splitlines() if ln.startswith("| ")]
    assert all(ln.count("|") == 11 for ln in table) and len(table) == 2 + 3  # rmse, train, repro
    junit_path = project / "out" / "check.xml"
    code, out, err = run_cli(
        capsys, "check", "-c", str(cfg), "-f", "junit", "--junit-xml", str(junit_path)
    )
    assert code == 0
    for text in (out, junit_path.read_text()):
        root = ET.fromstring(text.split("\n", 1)[1])
        suite = root.find("testsuite")
        assert suite is not None
        names = sorted(c.get("name") for c in suite.findall("testcase"))
        assert names == ["drift", "repro [latest]", "rmse [v1.0.1]", "train_time_s [v1.0.1]"]
        assert suite.get("failures") == "2"
    assert f"JUnit report written to {junit_path}" in err


def test_check_notify_posts_and_delivery_failure_keeps_the_exit_code(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    receiver: Receiver,
    secrets_env: dict[str, str],
) -> None:
    cfg = write_cfg(project, "default.yaml")
    receiver.reset()
    code, _, err = run_cli(capsys, "check", "-c", str(cfg), "--notify")
    assert code == 1
    paths = sorted(r.path for r in receiver.requests)
    assert paths == [f"/slack/{SECRET_PATH}", f"/teams/{SECRET_PATH}"]
    slack = next(r for r in receiver.requests if r.path.startswith("/slack")).json()
    text = json.dumps(slack)
    assert slack["blocks"][0]["type"] == "header" and "cli-test" in slack["text"]
    assert "*rmse*" in text and "*integrity*" in text and "v1.0.2" in text
    assert "✓ slack: 5 firing sent (webhook from $MW_TEST_SLACK)" in err
    for r in receiver.requests:
        assert SECRET_PATH not in r.body.decode() and SECRET_TOKEN not in r.body.decode()
    # the same breaches an hour later: already announced, nothing is posted
    receiver.reset()
    code, _, err = run_cli(capsys, "check", "-c", str(cfg), "--notify")
    assert code == 1 and receiver.requests == []
    assert "– slack: nothing to send: 5 breach(es) still firing, already sent" in err
    # a fresh alert state; the webhook answers 500 twice (1 retry): reported, exit code unchanged
    cfg = write_cfg(project, "default.yaml")
    receiver.reset(*[Reply(500, body="nope")] * 4)
    code, _, err = run_cli(capsys, "check", "-c", str(cfg), "--notify")
    assert code == 1
    assert "✗ slack:" in err and "not delivered after 2 attempt(s): HTTP 500" in err
    # what was not delivered is sent by the next run
    receiver.reset()
    code, _, err = run_cli(capsys, "check", "-c", str(cfg), "--notify")
    assert len(receiver.requests) == 2 and "✓ slack: 5 firing sent" in err


def test_alert_dry_run_prints_payloads_without_url(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    receiver: Receiver,
    secrets_env: dict[str, str],
) -> None:
    cfg = write_cfg(project, "default.yaml")
    receiver.reset()
    code, out, err = run_cli(capsys, "alert", "-c", str(cfg), "--dry-run", "--sink", "teams")
    assert code == 0 and receiver.requests == []
    payload = json.loads(out)
    assert payload["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert payload["attachments"][0]["content"]["type"] == "AdaptiveCard"
    assert "teams payload (dry run, nothing posted)" in err
    assert str(receiver.port) not in out + err


def test_alert_delivers_and_unset_variable_is_named(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    receiver: Receiver,
    secrets_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = write_cfg(project, "default.yaml")
    receiver.reset()
    code, _, err = run_cli(capsys, "alert", "-c", str(cfg))
    assert code == 0 and len(receiver.requests) == 2
    monkeypatch.delenv("MW_TEST_TEAMS")
    receiver.reset()
    code, _, err = run_cli(capsys, "alert", "-c", str(cfg))  # nothing new, but teams is broken
    assert code == 1 and receiver.requests == []
    assert "environment variable MW_TEST_TEAMS (alerts.teams_webhook_env) is unset" in err
    receiver.reset()
    code, _, err = run_cli(capsys, "alert", "-c", str(write_cfg(project, "default.yaml")))
    assert code == 1 and len(receiver.requests) == 1
    assert "environment variable MW_TEST_TEAMS (alerts.teams_webhook_env) is unset" in err


def test_unreachable_tracking_server_is_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], secrets_env: dict[str, str]
) -> None:
    port = free_port()
    cfg = write_cfg(
        project,
        "down.yaml",
        {"mlflow": {"tracking_uri": f"http://127.0.0.1:{port}", "timeout_s": 2, "max_retries": 0}},
    )
    code, out, err = run_cli(capsys, "check", "-c", str(cfg), "-f", "json")
    doc = json.loads(out)
    assert code == 2 and doc["exit_code"] == 2
    assert "kpis" in doc["errors"]
    assert {f["outcome"] for f in doc["flags"] if f["rule"] == "rmse"} == {"no data"}
    assert "exit 2: no verdict possible" in err


def test_export_prometheus_textfile(
    project: Path, capsys: pytest.CaptureFixture[str], secrets_env: dict[str, str]
) -> None:
    cfg = write_cfg(project, "default.yaml")
    target = project / "textfile" / "metricwatch.prom"
    target.parent.mkdir(exist_ok=True)
    code, _, err = run_cli(
        capsys, "export", "prometheus", "-c", str(cfg), "--textfile", str(target)
    )
    assert code == 0 and f"gauges written to {target}" in err
    got = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for fam in text_string_to_metric_families(target.read_text())
        for s in fam.samples
    }
    assert got[("metricwatch_kpi_value", (("metric", "rmse"), ("version", "v1.0.1")))] == 1.3
    assert got[("metricwatch_kpi_candidate", (("metric", "train_time_s"),))] == 130.0
    assert got[("metricwatch_kpi_baseline", (("metric", "train_time_s"),))] == 100.0
    assert got[("metricwatch_rule_breached", (("rule", "rmse"), ("severity", "warn")))] == 1
    assert got[("metricwatch_integrity_status", (("tag", "v1.0.2"),))] == 2
    assert got[("metricwatch_part_up", (("part", "drift"),))] == 0
    assert got[("metricwatch_last_success_timestamp_seconds", ())] > time.time() - 600
    assert sorted(p.name for p in target.parent.iterdir()) == ["metricwatch.prom"]


def test_serve_exposes_the_gauges_over_http(project: Path, secrets_env: dict[str, str]) -> None:
    cfg = write_cfg(project, "default.yaml")
    port = free_port()
    exe = Path(sys.executable).with_name("metricwatch")
    proc = subprocess.Popen(
        [str(exe), "serve", "-c", str(cfg), "--port", str(port), "--refresh", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        text = ""
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
                break
            except httpx.TransportError:
                time.sleep(0.5)
        assert text, proc.stderr.read() if proc.poll() is not None else "no answer"
        names = {f.name for f in text_string_to_metric_families(text)}
        assert {
            "metricwatch_kpi_value",
            "metricwatch_rule_breached",
            "metricwatch_integrity_status",
            "metricwatch_last_success_timestamp_seconds",
        } <= names
        assert SECRET_PATH not in text and SECRET_TOKEN not in text
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert f"serving http://127.0.0.1:{port}/metrics" in err and "stopped" in err
    assert SECRET_PATH not in out + err and SECRET_TOKEN not in out + err
