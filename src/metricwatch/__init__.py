"""metricwatch: the SRE metrics-monitoring report for DVC + MLflow projects.

Importing the package keeps jsonschema from loading its optional `rfc3987_syntax` backend
(unless something imported it already): that backend compiles about 35 Earley parsers when
imported, about 2 s of CPU in every process that imports nbformat, papermill or plotly's
renderers (a report's CLI, its kernel, nbconvert), only to check the `iri` string format,
which no notebook schema uses. Without it jsonschema simply does not check that format.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # import → ImportError

__version__ = "0.1.0"

__all__ = ["__version__"]
