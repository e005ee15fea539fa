"""The KPI report as text: table cells, CSV, Markdown, and the DVC metrics diff rows."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from metricwatch.vocab import BASELINE_MARK

if TYPE_CHECKING:
    from metricwatch.parts.kpis.collect import KpiReport

HEADERS = {"rmse": "RMSE", "qwk": "QWK", "train_time_s": "Train time (s)", "drift_pct": "Drift (%)"}


def _registered(report: KpiReport) -> bool:
    """The registered-model column, only when some run is behind a registered version."""
    return any(r.registered for r in report.rows)


def kpi_headers(report: KpiReport, *, full_ids: bool = False) -> list[str]:
    ids = ["Run ID", "Run ID (full)"] if full_ids else ["Run ID"]
    return [
        "Date", "Run name", *ids, "Version", "Stage",
        *(HEADERS.get(c, c) for c in report.columns),
        "Params hash", "Status", "Baseline",
        *(["Registered model"] if _registered(report) else []), *report.extra_columns,
    ]  # fmt: skip


def kpi_cells(report: KpiReport, *, full_ids: bool = False) -> list[list[str]]:
    out = []
    registered = _registered(report)
    for r in report.rows:
        ids = [r.run_id_short, r.run_id] if full_ids else [r.run_id_short]
        missing = "—"
        marks = ["; ".join(m.text for m in r.registered) or missing] if registered else []
        out.append(
            [
                r.date, r.run_name or missing, *ids, r.version or missing, r.stage or missing,
                *(r.values[c].display for c in report.columns),
                r.params_hash or missing, r.status, f"{BASELINE_MARK} baseline" if r.is_baseline else "",
                *marks,
                *(r.extra[c].display if c in r.extra else missing for c in report.extra_columns),
            ]
        )  # fmt: skip
    return out


def _scalar(v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def dvc_headers() -> list[str]:
    return ["Rev", "File", "Key", "Baseline", "Value", "Change", "Status"]


def dvc_cells(report: KpiReport) -> list[list[str]]:
    dvc = report.dvc_metrics
    if dvc is None:
        return []
    rows = []
    base = dvc.baseline_rev
    for rev in dvc.revs:
        if rev.status != "ok":
            rows.append([rev.rev, "—", "—", "—", "—", "—", rev.reason or "unavailable"])
            continue
        for f in rev.files:
            if f.status != "ok":
                rows.append([rev.rev, f.path, "—", "—", "—", "—", f.reason or "unavailable"])
                continue
            diffs = {(d.path, d.key): d for d in dvc.diffs if d.rev == rev.rev}
            for key, value in f.values.items():
                d = diffs.get((f.path, key))
                if base is None or rev.rev == base:
                    status = "baseline" if rev.rev == base else "no baseline tag"
                    rows.append([rev.rev, f.path, key, "—", _scalar(value), "—", status])
                else:
                    bval = _scalar(d.baseline) if d else "—"
                    change = f"{d.change:+.6g}" if d and d.change is not None else "—"
                    rows.append([rev.rev, f.path, key, bval, _scalar(value), change,
                                 d.status if d else "—"])  # fmt: skip
    return rows


def to_csv(headers: list[str], cells: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(cells)
    return buf.getvalue()


def to_markdown(headers: list[str], cells: list[list[str]]) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(esc, headers)) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(map(esc, row)) + " |" for row in cells]
    return "\n".join(lines) + "\n"


def to_json(report: KpiReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, allow_nan=False, ensure_ascii=False)
