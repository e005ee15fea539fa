"""The KPI report as text for `metricwatch kpis`: JSON, and the DVC metrics diff of every tag as a
`doc.table.Table` (the runs table is the part's own: parts/kpis/table.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from metricwatch.doc.table import Column, Table
from metricwatch.i18n import t

if TYPE_CHECKING:
    from metricwatch.parts.kpis.collect import KpiReport

DVC_COLUMNS = ("rev", "file", "key", "baseline", "value", "change", "status")


def _scalar(v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def dvc_table(report: KpiReport) -> Table:
    """Every value of every metrics file at every tag, with its change against the baseline tag."""
    cols = [Column(t(f"kpis.dvc_col.{k}", "en"), key=k) for k in DVC_COLUMNS]
    return Table(cols, dvc_cells(report), "mw-table mw-small")


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


def to_json(report: KpiReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, allow_nan=False, ensure_ascii=False)
