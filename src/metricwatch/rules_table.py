"""The thresholds table: one row per evaluated rule (a `rules_model.Flag`), built once for the report's
section 4 (`view="report"`) and `metricwatch check`'s terminal table (`"cli"`, with the run).

A row's outcome is a status badge: a breach shows its severity (❌ fail, ⚠ warn), other outcomes
their status (✅ pass, ❓ no data / no baseline). The last column says what to do: the rule's
message, the reason and the action on a breach, else why the rule had no verdict; secret values
(and those of `secret_vars`) are scrubbed from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from metricwatch.doc.table import Column, Table, status_badge
from metricwatch.i18n import Lang, label, t
from metricwatch.redact import scrub
from metricwatch.rules import fmt
from metricwatch.rules_model import Flag
from metricwatch.vocab import OUTCOME_STATUS

View = Literal["report", "cli"]
MISSING = "—"
_COLS = ("rule", "version", "run", "value", "threshold", "baseline", "outcome", "action")


def flag_status(f: Flag) -> str:
    """A breach shows its severity; pass, no data and no baseline their status."""
    return f.severity if f.breached else OUTCOME_STATUS.get(f.outcome, "unknown")


def flag_note(f: Flag, lang: Lang = "en") -> str:
    """What to do (a breach), or why there is no verdict, with the reason in lang."""
    reason = f.reason_in(lang)
    if f.breached:
        return f.message + (f": {reason}" if reason else "") + f" → {f.action}"
    return reason or (MISSING if f.outcome == "pass" else f.message)


def flags_table(
    flags: Iterable[Flag], lang: Lang, *, view: View = "report", secret_vars: Sequence[str] = ()
) -> Table:
    keys = [k for k in _COLS if view == "cli" or k != "run"]
    cols = [Column(t(f"flags.col.{k}", lang), key=k, no_wrap=k != "action") for k in keys]
    rows = []
    for f in flags:
        outcome = label(f"flags.outcome.{f.outcome}", lang, f.outcome)
        cells: dict[str, object] = {
            "rule": f"{f.rule} ({t(f'severity.{f.severity}', lang)})",
            "version": f.version or MISSING,
            "run": (f.run_id or MISSING)[:8],
            "value": f.value_shown.text(lang),
            "threshold": f.threshold_shown.text(lang),
            "baseline": fmt(f.baseline),
            "outcome": status_badge(flag_status(f), outcome),
            "action": scrub(flag_note(f, lang), secret_vars),
        }
        rows.append([cells[k] for k in keys])
    return Table(cols, rows, "mw-table mw-flags")
