from __future__ import annotations

import pytest

from metricwatch.redact import redact_url, scrub


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////abs/mlflow.db", "sqlite:////abs/mlflow.db"),
        ("file:///tmp/mlruns", "file:///tmp/mlruns"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("https://bob:s3cret@host.example/path", "https://***@host.example/path"),
        ("https://hooks.example/services/T0?token=abc", "https://hooks.example/services/T0?***"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_scrub_removes_secret_env_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "tok-123456")
    monkeypatch.setenv("MY_HOOK", "https://hooks.example/T0/B1/XYZ")
    text = "token tok-123456 posted to https://hooks.example/T0/B1/XYZ and https://u:p@h.example/"
    out = scrub(text, ["MY_HOOK"])
    assert "tok-123456" not in out and "XYZ" not in out and "u:p" not in out
