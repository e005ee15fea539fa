"""Durations and retention in metricwatch.yaml: `history.keep`, `alerts.repeat_interval`,
`alerts.alertmanager_valid_for`; bad values name the key and the format."""

from __future__ import annotations

from pathlib import Path

import pytest

from metricwatch.config import parse_config
from metricwatch.durations import seconds
from metricwatch.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", 90.0), ("30m", 1800.0), ("24h", 86400.0), ("90d", 7776000.0), ("2w", 1209600.0),
     ("1.5h", 5400.0), (" 7d ", 604800.0)],
)  # fmt: skip
def test_seconds(text: str, expected: float) -> None:
    assert seconds(text) == expected


def test_defaults() -> None:
    cfg = parse_config({}, "m.yaml", Path("."))
    assert (cfg.history.keep, cfg.history.enabled, cfg.history.path) == ("90d", True, None)
    assert cfg.alerts.repeat_interval == "24h" and cfg.alerts.alertmanager_valid_for == "3h"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"history": {"keep": "forever"}},
         "m.yaml: history.keep: expected a count of snapshots (≥ 1) or an age, a number and a "
         "unit: s, m, h, d or w (e.g. 30m, 24h, 90d), got 'forever'"),
        ({"history": {"keep": 0}},
         "m.yaml: history.keep: expected a count of snapshots (≥ 1) or an age, a number and a "
         "unit: s, m, h, d or w (e.g. 30m, 24h, 90d), got 0"),
        ({"alerts": {"repeat_interval": "daily"}},
         "m.yaml: alerts.repeat_interval: expected a duration > 0, a number and a unit: s, m, h, "
         "d or w (e.g. 30m, 24h, 90d), got 'daily'"),
        ({"alerts": {"alertmanager_valid_for": "0h"}},
         "m.yaml: alerts.alertmanager_valid_for: expected a duration > 0, a number and a unit: "
         "s, m, h, d or w (e.g. 30m, 24h, 90d), got '0h'"),
        ({"history": {"bogus": 1}},
         "m.yaml: history.bogus: unknown key; valid keys: enabled, path, keep, timeout_s, points"),
    ],
)  # fmt: skip
def test_bad_values_name_the_key(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config(data, "m.yaml", Path("."))
    assert str(exc.value) == message


def test_keep_accepts_a_count_or_an_age() -> None:
    assert parse_config({"history": {"keep": 500}}, "m", Path(".")).history.keep == 500
    assert parse_config({"history": {"keep": "12w"}}, "m", Path(".")).history.keep == "12w"
