"""The CLI's table titles and headers are the catalogue's (cli.* keys), worded in the CLI's
English: the report's timing table, the demo's releases table and the drift tables (which a
caller may also word in Spanish)."""

from __future__ import annotations

from metricwatch.cli.demo_cmd import releases_table
from metricwatch.cli.drift_cmd import drift_table, render_markdown
from metricwatch.cli.history_cmd import status_line
from metricwatch.cli.history_format import table_headers
from metricwatch.cli.report_cmd import timing_table
from metricwatch.demo import ReleaseInfo
from metricwatch.i18n import t
from metricwatch.i18n.message import msg
from metricwatch.parts.drift.model import ConceptDrift, DriftReport
from metricwatch.parts.drift.text import definition_text
from metricwatch.stats.feature_drift import FeatureDrift
from metricwatch.stats.windows import WindowDrift, WindowedDrift


def test_the_timing_table_is_titled_from_the_catalogue() -> None:
    table = timing_table({"kpis": 1.25, "render": 30.0})
    assert table.title == t("cli.report.timing") == "Timing (s)"
    assert [c.header for c in table.columns] == ["stage", "seconds"]
    assert [list(c.cells) for c in table.columns] == [["kpis", "render"], ["1.2", "30.0"]]
    assert t("cli.report.timing", "es") == "Tiempos (s)"


def test_the_demo_releases_table_is_titled_from_the_catalogue() -> None:
    rel = ReleaseInfo(tag="v1.0.0", commit="c0ffee" * 7, run_id=None, stage=None, pushed=False)
    table = releases_table([rel])
    assert table.title == t("cli.demo.releases") == "Releases"
    assert [c.header for c in table.columns] == ["tag", "commit", "MLflow run", "stage", "dvc push"]
    assert [next(iter(c.cells)) for c in table.columns] == [
        "v1.0.0",
        "c0ffeec0",
        "— (never logged)",
        "—",
        "not done",
    ]


def _drift() -> DriftReport:
    feature = FeatureDrift(name="a", kind="numeric", js=0.3, drifted=True, status="ok")
    target = FeatureDrift(name="label", kind="categorical", js=0.01, drifted=False, status="ok")
    calm = WindowDrift(window=0, label="2026-03-09", n_rows=500, status="ok", dataset_drift_pct=0.0)
    windows = WindowedDrift(time_column=None, window="7D", min_rows=100, correction="bh",
                            windows=[calm], features=["a"], js=[[0.01]], drifted=[[False]])  # fmt: skip
    return DriftReport(reference="ref.csv", current="cur.csv", n_reference=500, n_current=400,
                       mode="in memory", features=[feature], target=target, windows=windows,
                       dataset_drift_pct=100.0, drifted_features=["a"], n_comparable=1,
                       n_not_comparable=0, bins=10, js_threshold=0.1, p_value=0.05)  # fmt: skip


def test_the_drift_tables_are_headed_from_the_catalogue_in_either_language() -> None:
    report = _drift()
    english = drift_table(report)
    assert english.title == "Data drift: ref.csv → cur.csv"
    assert [c.header for c in english.columns] == [
        "feature", "kind", "PSI", "KL", "JS", "test", "p-value", "adj. p", "NaN ref/cur", "verdict",
    ]  # fmt: skip
    assert next(iter(english.columns[0].cells)) == "a"
    assert list(english.columns[0].cells)[-1] == "target: label"
    spanish = drift_table(report, "es")
    assert spanish.title == "Drift de datos: ref.csv → cur.csv"
    assert [c.header for c in spanish.columns][-3:] == ["p ajustado", "NaN ref/act", "veredicto"]
    md = render_markdown(report)
    for line in (
        "## Data drift: ref.csv → cur.csv",
        "Rows: reference 500, current 400.",
        "Target (label drift):",
        "| window | rows | status | drift % | drifting features |",
        "| 2026-03-09 | 500 | ok | 0.0 % | none |",
    ):
        assert f"\n{line}\n" in f"\n{md}", line
    md_es = render_markdown(report, "es")
    for line in (
        "## Drift de datos: ref.csv → cur.csv",
        "Filas: referencia 500, actual 400.",
        "Target (drift de etiquetas):",
        "| ventana | filas | estado | drift % | features con drift |",
        f"| 2026-03-09 | 500 | {t('drift.window.status.ok', 'es')} | 0.0 % | ninguna |",
    ):
        assert f"\n{line}\n" in f"\n{md_es}", line
    for english_only in ("Rows:", "Target (label drift)", "drifting features", "| none |"):
        assert english_only not in md_es.split("\n- ")[0], english_only


def test_the_history_table_is_headed_from_the_catalogue() -> None:
    assert table_headers() == ["#", "When", "Command", "Candidate", "RMSE", "QWK", "Drift (%)",
                               "Tags ok/warn/fail/?", "Repro", "Breaches"]  # fmt: skip
    assert table_headers("es")[1:4] == ["Cuándo", "Comando", "Candidato"]
    assert t("cli.history.title", path="h.sqlite") == "History — h.sqlite"


def test_the_drift_summary_verdicts_and_history_status_are_worded_in_either_language() -> None:
    thin = FeatureDrift(name="b", kind="numeric", drifted=None, status="low sample size")
    why = msg("drift.concept.no_match.model_run", tag="version", value="v9")
    report = _drift().model_copy(
        update={"features": [*_drift().features, thin],
                "concept": ConceptDrift(status="unavailable", why=why)}
    )  # fmt: skip
    md = render_markdown(report)
    for line in (
        "| b | numeric | — | — | — | — | — | — | — / — | no verdict: low sample size |",
        "- Dataset drift: 100.0 % (drifting: a)",
        "- no feature drifts in any window",
        "- Concept drift: unavailable: no MLflow run matches run id or version=v9",
    ):
        assert f"\n{line}\n" in md, line
    md_es = render_markdown(report, "es")
    low = t("drift.status.low sample size", "es")
    for line in (
        f"| b | numeric | — | — | — | — | — | — | — / — | sin veredicto: {low} |",
        "- Drift del dataset: 100.0 % (con drift: a)",
        f"- Definición: {definition_text(report, 'es')}",
        "- ninguna feature tiene drift en ninguna ventana",
        "- Concept drift: no disponible: ningún run de MLflow coincide con el run id o version=v9",
    ):
        assert f"\n{line}\n" in md_es, line
    for english in ("no verdict", "Dataset drift", "Definition:", "Engine:", "window(s)", "Note:"):
        assert english not in md_es, english
    assert status_line(3, "h.sqlite") == "3 snapshot(s) in h.sqlite"
    assert status_line(None, "h.sqlite", "es").startswith("aún no hay historial en h.sqlite (")
