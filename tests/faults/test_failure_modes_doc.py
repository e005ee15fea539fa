"""docs/failure-modes.md is generated from the corpus; this fails when the two differ."""

from __future__ import annotations

import corpus


def test_failure_modes_page_matches_the_corpus() -> None:
    faults = corpus.load_all()
    assert len(faults) >= 30, f"the corpus has {len(faults)} cases; the issue asks for 30+"
    expected = corpus.render_doc(faults)
    actual = corpus.DOC.read_text(encoding="utf-8") if corpus.DOC.exists() else ""
    assert actual == expected, (
        f"{corpus.DOC} is out of date with tests/faults/: run `make failure-modes` and commit it"
    )
