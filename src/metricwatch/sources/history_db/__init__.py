"""The history database: every `report` and `check` leaves one snapshot in an SQLite file (the
one documented output a source writes; pipeline/record.py is its only writer of snapshots).

- `snapshot`: the snapshot model (parts/history/snapshot_of.py builds it from a result);
- `schema` (migrations), `db` (safe open, serialized writers), `store` (writes),
  `retention` (`history.keep`), `queries` (reads), `flag_rows`, `clock`, `failures`;
- `fingerprint` (a breach's identity) and `alert_state` / `alert_lock`: the alert lifecycle's
  state (alerts/lifecycle.py decides, this stores).
The history part (parts/history/) reads it; the report's History section is that part's.
"""
