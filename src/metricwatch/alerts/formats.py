"""The flags of a check as JSON, Markdown (a CI step summary) and JUnit XML (CI test reports).

JUnit: one testcase per rule × version evaluated; a breach is a <failure> (type = severity);
"no data" and "no baseline" are <skipped> with the reason, never a pass; a part that could not
be computed is an <error> testcase of its own.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from metricwatch.i18n import lang_of, t
from metricwatch.rules_model import Flag
from metricwatch.vocab import OUTCOME_STATUS, OUTCOMES, severity_icon
from metricwatch.vocab import icon as status_icon

EXIT_WORDS = {0: ("ok", "pass"), 1: ("fail", "breached"), 2: ("unknown", "no verdict")}


def icon(flag: Flag) -> str:
    """A flag's glyph: its severity's when breached, else its outcome's status."""
    return (
        severity_icon(flag.severity) if flag.breached else status_icon(OUTCOME_STATUS[flag.outcome])
    )


def summary_counts(flags: list[Flag]) -> dict[str, int]:
    c = Counter(f.outcome for f in flags)
    return {k: c.get(k, 0) for k in OUTCOMES}


def to_json(
    flags: list[Flag], *, project: str, exit_code: int, errors: dict[str, str], fail_on: str
) -> str:
    doc: dict[str, Any] = {
        "project": project,
        "exit_code": exit_code,
        "fail_on": fail_on,
        "summary": summary_counts(flags),
        "errors": errors,
        "flags": [f.model_dump(mode="json") for f in flags],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)


# the Markdown table's columns after the status icon (words: the catalogue's alert.md.col.*)
MD_COLUMNS = (
    "rule", "severity", "version", "run", "value", "threshold", "baseline", "message", "action",
)  # fmt: skip


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(
    flags: list[Flag], *, project: str, exit_code: int, errors: dict[str, str], lang: str = "en"
) -> str:
    lg = lang_of(lang)
    status, word = EXIT_WORDS.get(exit_code, ("", str(exit_code)))
    verdict = f"{status_icon(status)} {word}" if status else word
    n = summary_counts(flags)
    counts = t("alert.md.counts", lg, passed=n["pass"], breached=n["breach"],
               no_data=n["no data"] + n["no baseline"])  # fmt: skip
    header = " | ".join(t(f"alert.md.col.{c}", lg) for c in MD_COLUMNS)
    lines = [
        f"## metricwatch check: {_md(project)} — {verdict}",
        "",
        counts,
        "",
        f"### {t('alert.md.thresholds', lg)}",
        "",
        f"| | {header} |",
        "| --- " * (len(MD_COLUMNS) + 1) + "|",
    ]
    for f in flags:
        base = f"{f.baseline:.4g}" if f.baseline is not None else "—"
        reason = f.reason_in(lg)
        if f.breached:
            note = f.message + (f" ({reason})" if reason else "")
        else:
            note = "" if f.outcome == "pass" else f"{t(f'flags.outcome.{f.outcome}', lg)}: {reason}"
        run = f"[{f.run_id[:8]}]({f.run_url})" if f.run_id and f.run_url else (f.run_id or "—")[:8]
        lines.append(
            f"| {icon(f)} | {_md(f.rule)} | {t(f'severity.{f.severity}', lg)} | {_md(f.version or '—')} | {run} | "
            f"{_md(f.value_shown.text(lg))} | {_md(f.threshold_shown.text(lg))} | {base} | "
            f"{_md(note)} | "
            f"{_md(f.action if f.breached else '')} |"
        )
    if errors:
        lines += ["", f"### {t('alert.md.not_computed', lg)}", ""]
        lines += [f"- **{_md(part)}**: {_md(why)}" for part, why in errors.items()]
    return "\n".join(lines) + "\n"


def to_junit(
    flags: list[Flag], *, project: str, errors: dict[str, str], timestamp: datetime | None = None
) -> str:
    ts = (timestamp or datetime.now(UTC)).replace(microsecond=0).isoformat()
    n = summary_counts(flags)
    suites = ET.Element("testsuites", name="metricwatch")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"metricwatch.{project}",
        tests=str(len(flags) + len(errors)),
        failures=str(n["breach"]),
        errors=str(len(errors)),
        skipped=str(n["no data"] + n["no baseline"]),
        time="0",
        timestamp=ts,
    )
    for f in flags:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"metricwatch.rules.{f.rule}",
            name=f"{f.rule} [{f.version or f.run_id or 'latest'}]",
            time="0",
        )
        detail = (
            f"{f.metric} = {f.value_display}, threshold {f.threshold_display}"
            + (f", baseline {f.baseline:.4g}" if f.baseline is not None else "")
            + (f", run {f.run_id}" if f.run_id else "")
        )
        if f.breached:
            fail = ET.SubElement(case, "failure", message=f.message, type=f.severity)
            fail.text = f"{detail}\naction: {f.action}"
        elif f.outcome != "pass":
            ET.SubElement(case, "skipped", message=f"{f.outcome}: {f.reason}")
        else:
            ET.SubElement(case, "system-out").text = detail
    for part, why in errors.items():
        case = ET.SubElement(suite, "testcase", classname="metricwatch.parts", name=part, time="0")
        ET.SubElement(case, "error", message=why, type="unavailable")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
