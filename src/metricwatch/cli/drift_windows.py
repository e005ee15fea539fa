"""`metricwatch drift` output for drift by time window: the windows, the JS matrix, and the
summary with the result's problem and notes (catalogue messages in the result). The window
table's headers and cells and the summary are worded in lang (English by default, as the CLI
prints)."""

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


def summary(wd: WindowedDrift, lang: Lang = "en") -> list[str]:
    """The windows' summary lines: how they were compared, each feature's first drift, notes."""
    column = wd.time_column or t("cli.drift.row_order", lang)
    head = t("cli.drift.by_window_of", lang, window=wd.window, column=column)
    if wd.status != "ok" and wd.problem is not None:
        return [t("cli.drift.windows.problem", lang, head=head, problem=wd.problem.text(lang))]
    lines = [
        t(
            "cli.drift.windows.head",
            lang,
            head=head,
            n=len(wd.windows),
            correction=wd.correction,
            min_rows=wd.min_rows,
        )
    ]
    for name in wd.features:
        if name in wd.first_drift:
            since = t("cli.drift.windows.since", lang, name=name, window=wd.first_drift[name])
            lines.append(f"  {since}")
    if not wd.first_drift:
        lines.append(f"  {t('cli.drift.windows.calm', lang)}")
    return lines + [t("cli.drift.line.note", lang, text=f"{n.text(lang)}.") for n in wd.notes]


def as_dict(wd: WindowedDrift) -> dict[str, Any]:
    return wd.model_dump(mode="json")
