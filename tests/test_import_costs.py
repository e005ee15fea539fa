"""Importing metricwatch keeps jsonschema's slow optional IRI backend out of the process."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import metricwatch, nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)
bad = nbformat.v4.new_notebook()
bad.cells = [{"cell_type": "code", "id": "x"}]  # no source, outputs, metadata
try:
    nbformat.validate(bad)
except nbformat.ValidationError:
    print("invalid notebook refused")
loaded = [m for m, mod in sys.modules.items() if mod and m.startswith(("rfc3987_syntax", "lark"))]
print(sorted(loaded))
"""


def test_notebooks_are_still_validated_without_the_iri_parsers() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=300, check=True
    )
    assert proc.stdout.splitlines() == ["invalid notebook refused", "[]"], proc.stderr
