"""Quarto's path made of the parts Quarto is made of, for machines without Quarto.

The notebook Quarto would read (render.quarto_project) goes through Pandoc's ipynb reader,
`quarto_outputs.lua` (standing for Quarto's notebook-to-Markdown step for Typst: one
representation per output in Quarto's order, Markdown outputs read as Markdown, raw HTML tables
read into tables), Pandoc's Typst writer with the Typst settings of metricwatch's _quarto.yml,
and Typst's compiler (the `typst` wheel). Not covered: Quarto's own Typst template and its other
Lua filters (callouts, cross-references, figure layout).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from metricwatch.render.quarto_project import project_config

FILTER = Path(__file__).with_name("quarto_outputs.lua")


def typst_settings() -> dict:
    """Pandoc metadata from _quarto.yml's `format: typst` (what Quarto passes to Pandoc)."""
    typst = project_config()["format"]["typst"]
    return {k: typst[k] for k in ("papersize", "margin", "fontsize", "toc", "toc-depth")}


def to_typst(notebook: Path, typ: Path) -> Path:
    import pypandoc

    typ.parent.mkdir(parents=True, exist_ok=True)
    meta = typ.with_suffix(".meta.yaml")
    meta.write_text(yaml.safe_dump(typst_settings()), encoding="utf-8")
    header = project_config()["format"]["typst"].get("include-in-header", {}).get("text")
    argv = [pypandoc.get_pandoc_path(), str(notebook.resolve()), "--from=ipynb", "--to=typst",
            "--standalone", "--ipynb-output=all", f"--lua-filter={FILTER}",
            f"--metadata-file={meta.name}", f"--output={typ.name}",
            "--extract-media=media",  # relative: Typst reads files below its root only
            *([f"--variable=header-includes:{header}"] if header else [])]  # fmt: skip
    out = subprocess.run(argv, cwd=typ.parent, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return typ


def to_pdf(typ: Path) -> Path:
    import typst

    pdf = typ.with_suffix(".pdf")
    typst.compile(str(typ), output=str(pdf), root=str(typ.parent))
    return pdf


def pdf_text(pdf: Path, *args: str) -> str:
    out = subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def pdf_outline(pdf: Path) -> list[str]:
    """The titles of the PDF's outline (bookmarks), as poppler's pdftohtml reads them."""
    out = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    outline = out.stdout.partition("<outline>")[2]
    return [
        re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r"<item[^>]*>(.*?)</item>", outline)
    ]


def pdf_images(pdf: Path) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image embedded in the PDF (`pdfimages -list`)."""
    out = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    rows = [line.split() for line in out.stdout.splitlines()[2:]]
    return [(int(r[3]), int(r[4])) for r in rows if len(r) > 4 and r[2] == "image"]


def words_past_right_margin(pdf: Path, margin_pt: float) -> list[str]:
    """Words whose box ends right of the page's right margin (`pdftotext -bbox`)."""
    html = pdf_text(pdf, "-bbox")
    out = []
    for page in re.finditer(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', html, re.S):
        limit = float(page.group(1)) - margin_pt + 3.0  # Typst hangs punctuation (–) ~1 pt out
        for m in re.finditer(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</word>',
                             page.group(2)):  # fmt: skip
            if float(m.group(1)) > limit:
                out.append(m.group(2))
    return out
