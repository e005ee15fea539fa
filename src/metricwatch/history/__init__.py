"""The history database: every `report` and `check` leaves one snapshot in an SQLite file.

- `record.record_snapshot`: the pipelines' one call (never fails the run);
- `snapshot`: the snapshot model and `snapshot_of(result)`;
- `schema` (migrations), `db` (safe open, serialized writers), `store` (writes),
  `retention` (`history.keep`), `queries` (reads);
- `diff` ("since the last render") and `view` (the report's History data);
- `alert_state`: the alert lifecycle's state (alerts/lifecycle.py decides, this stores).
"""
