from __future__ import annotations

from pathlib import Path

import pytest

from metricwatch.cli import main
from metricwatch.config import load_config, parse_config
from metricwatch.errors import ConfigError
from metricwatch.sources.store_presence import missing_store
from metricwatch.sources.views import MlflowSource


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "metricwatch.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_are_the_seed_thresholds(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, "{}\n"))
    rules = {name: (r.kind, r.value, r.severity) for name, r in cfg.thresholds.items()}
    assert rules == {
        "rmse": ("max_ratio_to_baseline", 1.10, "warn"),
        "qwk": ("min", 0.70, "warn"),
        "drift_pct": ("max", 5.0, "warn"),
        "train_time_s": ("max_ratio_to_baseline", 1.25, "warn"),
    }
    assert cfg.mlflow.metrics["qwk"] == ["qwk", "quadratic_weighted_kappa", "kappa"]
    assert cfg.baseline.selector() == {"tag": {"stage": "baseline"}}
    assert cfg.project_path == tmp_path.resolve()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"thresholds": {"rmse": {"max_ratio_to_baseline": "high"}}},
            "m.yaml: thresholds.rmse.max_ratio_to_baseline: expected a number > 0, got 'high'",
        ),
        (
            {"mlflow": {"bogus": 1}},
            "m.yaml: mlflow.bogus: unknown key; valid keys: tracking_uri, experiments, version_tag,"
            " metrics, timeout_s, max_retries, include_deleted",
        ),
        ({"report": {"lang": "fr"}}, "m.yaml: report.lang: expected one of 'en' or 'es', got 'fr'"),
        ({"drift": {"bins": 1}}, "m.yaml: drift.bins: expected a number >= 2 and <= 1000, got 1"),
        ({"tags": {"regex": "maybe"}}, "m.yaml: tags.regex: expected true or false, got 'maybe'"),
        (
            {"thresholds": {"x": {"severity": "warn"}}},
            "m.yaml: thresholds.x: a rule needs exactly one of max, min, max_ratio_to_baseline,"
            " min_ratio_to_baseline, max_delta (got none)",
        ),
        (
            {"baseline": {"run_id": "a", "version": "v1"}},
            "m.yaml: baseline: give only one of run_id, version, tag (got run_id, version)",
        ),
        (
            {"mlflow": {"metrics": {"qwk": []}}},
            "m.yaml: mlflow.metrics: metric 'qwk' needs at least one alias",
        ),
        ([1, 2], "m.yaml: expected a mapping of sections, got list"),
    ],
)
def test_invalid_configs_name_the_key(data: object, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config(data, "m.yaml", Path("."))
    assert str(exc.value) == message


def test_unknown_top_level_key_lists_sections() -> None:
    with pytest.raises(
        ConfigError, match=r"^m.yaml: bogus: unknown key; valid keys: project, mlflow, baseline"
    ):
        parse_config({"bogus": 1}, "m.yaml", Path("."))


def test_yaml_syntax_error_shows_line(tmp_path: Path) -> None:
    p = write(tmp_path, "project:\n  path: .\nmlflow: [unclosed\n")
    with pytest.raises(ConfigError, match=r"metricwatch.yaml: line 4, column 1: YAML syntax error"):
        load_config(p)


def test_missing_project_is_an_error_a_missing_store_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match="project.path: folder .*nowhere does not exist"):
        load_config(write(tmp_path, "project:\n  path: nowhere\n"))
    # a store that is not there leaves the git/DVC checks running: the run source says why
    path = write(tmp_path, "mlflow:\n  tracking_uri: sqlite:///missing.db\n")
    source = MlflowSource.of(load_config(path))
    gone = missing_store(source)
    assert (
        gone is not None
        and str(gone.reason) == f"tracking store {tmp_path / 'missing.db'} is not there"
    )
    assert main(["config", "check", "-c", str(path)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"note: {path}: mlflow.tracking_uri: tracking store {tmp_path / 'missing.db'}" in err


@pytest.mark.parametrize("text", ["baseline:\n", "baseline: null\n", "baseline: {}\n"])
def test_an_empty_baseline_section_is_the_default(tmp_path: Path, text: str) -> None:
    cfg = load_config(write(tmp_path, text))
    assert cfg.baseline.is_default and cfg.baseline.selector() == {"tag": {"stage": "baseline"}}


def test_tracking_uri_relative_to_config_and_never_mlruns(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "mlflow.db").write_bytes(b"")
    cfg = load_config(write(tmp_path, "mlflow:\n  tracking_uri: sqlite:///mlflow.db\n"))
    assert cfg.tracking_uri() == f"sqlite:///{(tmp_path / 'mlflow.db').resolve()}"
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    bare = load_config(write(tmp_path, "{}\n"))
    with pytest.raises(ConfigError, match="never falls back to creating ./mlruns"):
        bare.tracking_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5999")
    assert bare.tracking_uri() == "http://127.0.0.1:5999"


def test_redacted_hides_credentials(tmp_path: Path) -> None:
    cfg = parse_config(
        {"mlflow": {"tracking_uri": "https://bob:s3cret@mlflow.example.org/?token=abc"}},
        "m",
        tmp_path,
    )
    text = str(cfg.redacted())
    assert "s3cret" not in text and "abc" not in text
    assert "***@mlflow.example.org" in text


def test_cli_without_config_says_init(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["config", "check"]) == 1
    err = capsys.readouterr().err
    assert "no metricwatch.yaml in" in err and "metricwatch init" in err


def test_cli_config_check_prints_resolved(tmp_path: Path, capsys) -> None:
    p = write(tmp_path, "report:\n  lang: es\n")
    assert main(["config", "check", "--config", str(p)]) == 0
    out = capsys.readouterr().out
    assert "lang: es" in out and str(tmp_path.resolve()) in out


def test_usage_errors_exit_2_without_a_crash_log(capsys) -> None:
    assert main(["config", "check", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert "No such option" in err and "unexpected error" not in err


def test_version_and_help_exit_0(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("metricwatch ")
    assert main(["report", "--help"]) == 0
    assert "--renderer" in capsys.readouterr().out
