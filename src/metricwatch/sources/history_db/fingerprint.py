"""A breach's identity over time, and when a breach counts as resolved.

A fingerprint is the rule plus what it was evaluated on: the version (a release tag for
`integrity`, the reproduced revision for `repro`) and, for per-feature rules, the feature. The
same breach in two runs has the same fingerprint whatever its value.

Resolved means: the fingerprint breached before, does not breach now, and the current run could
judge it. A run that could not (the check had no verdict, the rule only gave "no data" or
"no baseline", or this fingerprint itself has no data) holds it: neither firing nor resolved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from metricwatch.rules_model import Flag
from metricwatch.vocab import NO_VERDICT_OUTCOMES


def fingerprint_parts(flag: Flag) -> dict[str, str | None]:
    return {
        "rule": flag.rule,
        "version": flag.version or flag.run_id,
        "feature": getattr(flag, "feature", None),  # per-feature rules carry one
    }


def fingerprint(flag: Flag) -> str:
    """16 hex digits of SHA-256 over the rule, version and feature (canonical JSON)."""
    text = json.dumps(fingerprint_parts(flag), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Judged:
    """What one run says about fingerprints: which breach, and which it could not judge."""

    breached: dict[str, Flag]
    judged_rules: frozenset[str]  # rules with at least one pass or breach
    unjudged: frozenset[str]  # fingerprints with "no data" / "no baseline"
    verdict: bool  # False: the run could not read its essential sources

    def holds(self, fp: str, rule: str) -> bool:
        """True when this run cannot say whether fp (of rule) still breaches."""
        return not self.verdict or rule not in self.judged_rules or fp in self.unjudged

    def resolves(self, fp: str, rule: str) -> bool:
        """True when fp breached before and this run says it no longer does."""
        return fp not in self.breached and not self.holds(fp, rule)


def judge(flags: Iterable[Flag], *, verdict: bool = True) -> Judged:
    flags = list(flags)
    return Judged(
        breached={fingerprint(f): f for f in flags if f.breached},
        judged_rules=frozenset(f.rule for f in flags if f.outcome in ("pass", "breach")),
        unjudged=frozenset(fingerprint(f) for f in flags if f.outcome in NO_VERDICT_OUTCOMES),
        verdict=verdict,
    )
