"""The DVC metrics table, built once for the report's section 1 and `metricwatch kpis`.

`view="report"`: one row per compared value, the diff of each tag against the baseline tag
(revisions that could not be read are notices above it). `view="cli"`: every value of every
metrics file at every tag, the baseline's own values and the revisions or files that could not be
read included (their reason in the status column). Both word a row's status from the catalogue
and write numbers with 6 significant digits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from metricwatch.doc.table import Column, Table
from metricwatch.i18n import Lang, label, t

if TYPE_CHECKING:
    from metricwatch.sources.dvc_metrics import DvcMetricDiff, DvcMetrics, DvcMetricsFile, Scalar

View = Literal["report", "cli"]
MISSING = "—"
COLUMNS = ("rev", "file", "key", "baseline", "value", "change", "status")


def scalar(v: Scalar) -> str:
    if v is None:
        return MISSING
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _status(word: str, lang: Lang) -> str:
    return label(f"kpis.dvc_status.{word}", lang, word)


def _diff_row(d: DvcMetricDiff, lang: Lang) -> list[object]:
    change = MISSING if d.change is None else f"{d.change:+.6g}"
    return [
        d.rev,
        d.path,
        d.key,
        scalar(d.baseline),
        scalar(d.value),
        change,
        _status(d.status, lang),
    ]


def _file_rows(dm: DvcMetrics, rev: str, f: DvcMetricsFile, lang: Lang) -> list[list[object]]:
    """Every value of one file at one revision: its diff, or the baseline's own value."""
    if f.status != "ok":
        return [[rev, f.path, *[MISSING] * 4, f.reason or _status("unavailable", lang)]]
    diffs = {(d.path, d.key): d for d in dm.diffs if d.rev == rev}
    rows: list[list[object]] = []
    for key, value in f.values.items():
        d = diffs.get((f.path, key))
        if dm.baseline_rev is None or rev == dm.baseline_rev:
            word = _status("baseline" if rev == dm.baseline_rev else "no_baseline", lang)
            rows.append([rev, f.path, key, MISSING, scalar(value), MISSING, word])
        elif d is not None:
            rows.append(_diff_row(d, lang))
        else:
            rows.append([rev, f.path, key, MISSING, scalar(value), MISSING, MISSING])
    return rows


def dvc_table(dm: DvcMetrics, lang: Lang, *, view: View = "report") -> Table:
    cols = [Column(t(f"kpis.dvc_col.{k}", lang), key=k) for k in COLUMNS]
    if view == "report":
        return Table(cols, [_diff_row(d, lang) for d in dm.diffs], "mw-table mw-small")
    rows: list[list[object]] = []
    for rev in dm.revs:
        if rev.status != "ok":
            rows.append([rev.rev, *[MISSING] * 5, rev.reason or _status("unavailable", lang)])
        for f in rev.files if rev.status == "ok" else []:
            rows += _file_rows(dm, rev.rev, f, lang)
    return Table(cols, rows, "mw-table mw-small")
