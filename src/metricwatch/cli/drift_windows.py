"""`metricwatch drift` output for drift by time window: the windows, the JS matrix, and the
result's problem and notes (catalogue messages in the result, worded here in English); the
window table's headers and cells are worded in lang (English by default, as the CLI prints)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metricwatch.i18n import Lang, t

if TYPE_CHECKING:
    from metricwatch.stats.windows import WindowDrift, WindowedDrift

MATRIX_MAX_WINDOWS = 16  # wider JS matrices are left to --format json and --figures


def window_status(w: WindowDrift, min_rows: int, lang: Lang = "en") -> str:
    """A window's status as a table cell: its verdict, or why it has none."""
    if w.status == "empty":
        return t("drift.window.status.empty", lang)
    if w.status == "too few rows":
        return t("drift.window.status.too_few", lang, n=w.n_rows, min=min_rows)
    return t("drift.window.status.ok", lang)


def window_rows(wd: WindowedDrift, lang: Lang = "en") -> list[list[str]]:
    rows = []
    for w in wd.windows:
        pct = "—" if w.dataset_drift_pct is None else f"{w.dataset_drift_pct:.1f} %"
        none = "—" if w.status != "ok" else t("cli.drift.none", lang)
        drifting = ", ".join(w.drifted_features) or none
        rows.append([w.label, str(w.n_rows), window_status(w, wd.min_rows, lang), pct, drifting])
    return rows


WINDOW_COLUMNS = ("window", "rows", "status", "drift_pct", "drifting")


def window_headers(lang: Lang = "en") -> list[str]:
    """The window table's column headers (cli.drift.window.col.*)."""
    return [t(f"cli.drift.window.col.{c}", lang) for c in WINDOW_COLUMNS]


def matrix(wd: WindowedDrift, lang: Lang = "en") -> tuple[list[str], list[list[str]]] | None:
    """(headers, rows) of the feature × window JS matrix; None when too wide for a terminal."""
    if not wd.windows or len(wd.windows) > MATRIX_MAX_WINDOWS:
        return None
    headers = [t("cli.drift.col.feature", lang), *(w.label for w in wd.windows)]
    rows = []
    for name, js, drifted in zip(wd.features, wd.js, wd.drifted, strict=True):
        cells = [
            "—" if v is None else f"{v:.2f}{'*' if d else ''}"
            for v, d in zip(js, drifted, strict=True)
        ]
        rows.append([name, *cells])
    return headers, rows


def summary(wd: WindowedDrift) -> list[str]:
    column = wd.time_column or t("cli.drift.row_order")
    head = t("cli.drift.by_window_of", window=wd.window, column=column)
    if wd.status != "ok" and wd.problem is not None:
        return [f"{head}: {wd.problem.text('en')}."]
    lines = [
        f"{head}: {len(wd.windows)} window(s); each against the reference's bins, p-values "
        f"adjusted per window ({wd.correction}); windows under {wd.min_rows} rows get no verdict."
    ]
    for name in wd.features:
        if name in wd.first_drift:
            lines.append(f"  {name}: drift since {wd.first_drift[name]}")
    if not wd.first_drift:
        lines.append("  no feature drifts in any window")
    return lines + [f"Note: {n.text('en')}." for n in wd.notes]


def as_dict(wd: WindowedDrift) -> dict[str, Any]:
    return wd.model_dump(mode="json")
