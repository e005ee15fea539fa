"""Headings and labels of the report in English and Spanish (the Spanish ones are the seed's)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "es"]

_TEXT: dict[str, dict[str, str]] = {
    "title": {
        "en": "📊 Metrics Monitoring — MLOps project (SRE role)",
        "es": "📊 Metrics Monitoring — Proyecto MLOps (Rol SRE)",
    },
    "purpose": {
        "en": "Purpose: ensure reproducibility, artifact availability and operational quality "
        "of the ML pipeline using DVC + MLflow.",
        "es": "Propósito: asegurar reproducibilidad, disponibilidad de artefactos y calidad "
        "operacional del pipeline de ML usando DVC + MLflow.",
    },
    "summary": {"en": "Summary", "es": "Resumen"},
    "s1": {"en": "1. Project KPIs", "es": "1. KPIs del proyecto"},
    "s2": {
        "en": "2. Version integrity — DVC + MLflow",
        "es": "2. Integridad de versiones — DVC + MLflow",
    },
    "s3": {"en": "3. End-to-end reproducibility", "es": "3. Reproducibilidad de extremo a extremo"},
    "s4": {
        "en": "4. Continuous monitoring and alerts",
        "es": "4. Plan de monitoreo continuo y alertas",
    },
    "s5": {"en": "5. Evidence for delivery", "es": "5. Evidencia para entrega (PDF)"},
    "s6": {
        "en": "6. Appendix A — Instrumentation snippets",
        "es": "6. Apéndice A — Snippets para instrumentación",
    },
    "s7": {
        "en": "7. Appendix B — DVC metrics and plots declaration",
        "es": "7. Apéndice B — Declaración de metrics y plots en DVC",
    },
    "s8": {
        "en": "8. Appendix C — Seeds and environments",
        "es": "8. Apéndice C — Recomendaciones de seeds y entornos",
    },
    "kpi_table": {"en": "Recent results", "es": "Tabla de resultados recientes"},
    "trends": {"en": "Trends across versions", "es": "Tendencias por versión"},
    "dvc_metrics": {"en": "DVC metrics across versions", "es": "Métricas DVC por versión"},
    "checklist": {"en": "Checklist per version", "es": "Checklist por versión"},
    "correspondence": {"en": "Correspondence table", "es": "Tabla de correspondencia"},
    "verdict": {"en": "Verdict", "es": "Veredicto"},
    "hashes": {"en": "Output hashes vs dvc.lock", "es": "Hashes de salida vs dvc.lock"},
    "log": {"en": "Reproducibility log", "es": "Registro en logs"},
    "environment": {"en": "Environment", "es": "Entorno"},
    "drift": {"en": "Data drift", "es": "Drift de datos"},
    "concept": {"en": "Concept drift", "es": "Drift de concepto"},
    "efficiency": {"en": "Efficiency", "es": "Eficiencia"},
    "artifacts": {"en": "Artifact availability", "es": "Disponibilidad de artefactos"},
    "thresholds": {"en": "Alert thresholds", "es": "Umbrales de alerta"},
    "channels": {"en": "Alert channels", "es": "Canales de alerta"},
    "screens": {"en": "Screenshots", "es": "Capturas"},
    "manifest": {"en": "Evidence manifest", "es": "Manifiesto de evidencia"},
    "unavailable": {"en": "Not available", "es": "No disponible"},
    "overall": {"en": "Overall status", "es": "Estado general"},
    "breached": {"en": "Breached rules", "es": "Reglas incumplidas"},
    "project": {"en": "Project", "es": "Proyecto"},
    "commit": {"en": "Commit", "es": "Commit"},
    "date": {"en": "Date", "es": "Fecha"},
    "none": {"en": "none", "es": "ninguna"},
    "owner": {
        "en": "Document owner: SRE — repository",
        "es": "Responsable del documento: SRE — Repositorio",
    },
    "updated": {"en": "Last updated", "es": "Última actualización"},
}


def t(key: str, lang: Lang = "en") -> str:
    """The text for key in lang; an unknown key is a programming error listing the valid ones."""
    try:
        return _TEXT[key][lang]
    except KeyError:
        raise KeyError(
            f"unknown text {key!r} for {lang!r}; valid keys: {', '.join(_TEXT)}"
        ) from None
