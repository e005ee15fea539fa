"""GTO tags on a real git repository carrying iterative/example-get-started's tag names.

The tag names, the commits they share and their tagger dates are those of the public
example-get-started repository (its three pipeline commits, its GTO registrations and stage
assignments); the stages are checked against GTO's own registry (`gto.registry.GitRegistry`)
on the same repository, so our semantics are GTO's.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from support.repos import git

from metricwatch.parts.integrity.gto_stages import artifact_stages, stage_item
from metricwatch.sources import git_dvc, gto_tags
from metricwatch.sources.git_dvc import list_tags, tag_matcher

MODEL = "text-classification"
# (commit label, tag name, tagger date) in example-get-started's order.
EXAMPLE_TAGS = (
    ("c8", "8-dvclive-eval", "2023-08-20T23:12:20+00:00"),
    ("c8", "baseline-experiment", "2023-08-20T23:12:20+00:00"),
    ("c9", "9-bigrams-model", "2023-08-25T22:19:15+00:00"),
    ("c10", "10-bigrams-experiment", "2023-08-26T09:11:50+00:00"),
    ("c10", "bigrams-experiment", "2023-08-26T09:11:50+00:00"),
    ("c8", "text-classification#prod#1", "2024-05-10T20:23:32+00:00"),
    ("c8", "text-classification@v1.0.0", "2024-05-10T20:23:32+00:00"),
    ("c9", "text-classification@v1.1.0", "2024-05-10T20:23:39+00:00"),
    ("c9", "text-classification#stage#2", "2024-05-10T20:23:40+00:00"),
    ("c10", "text-classification#dev#3", "2024-05-10T20:23:44+00:00"),
    ("c10", "text-classification@v1.2.0", "2024-05-10T20:23:44+00:00"),
)


def tag(repo: Path, name: str, commit: str, date: str, *, annotated: bool = True) -> None:
    env = {**os.environ, "GIT_COMMITTER_DATE": date}
    args = ["tag", "-a", name, "-m", f"GTO: {name}", commit] if annotated else ["tag", name, commit]
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, timeout=60)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    repo = tmp_path_factory.mktemp("example-get-started")
    git(repo, "init", "-q", "-b", "main")
    commits: dict[str, str] = {}
    for label in ("c8", "c9", "c10"):
        (repo / "model.txt").write_text(label, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", label)
        commits[label] = git(repo, "rev-parse", "HEAD").stdout.strip()
    for label, name, date in EXAMPLE_TAGS:
        tag(repo, name, commits[label], date)
    return repo, commits


def copy_repo(src: Path, dst: Path) -> Path:
    git(src.parent, "clone", "-q", "--no-local", str(src), str(dst))
    return dst


def gto_view(repo: Path) -> dict[str, str]:
    """stage -> version, as `gto show` computes it (its default: sort by timestamp)."""
    from gto.constants import VersionSort
    from gto.registry import GitRegistry

    with GitRegistry.from_url(str(repo)) as reg:
        art = reg.get_state().find_artifact(MODEL)
        stages = art.get_vstages(sort=VersionSort.Timestamp)
    return {stage: vs[0].version for stage, vs in stages.items() if vs}


def our_view(repo: Path) -> dict[str, str | None]:
    (art,) = artifact_stages(git_dvc.read_gto_tags(repo).tags)
    return {s.stage: s.version for s in art.stages}


def test_parser_is_gtos() -> None:
    assert gto_tags.parse_name("text-classification#prod#1")["stage"] == "prod"
    parsed = gto_tags.gto_tag("text-classification#prod#1", "c" * 40, None, True)
    assert parsed is not None
    assert (parsed.artifact, parsed.action, parsed.stage, parsed.counter) == (
        MODEL,
        "assign",
        "prod",
        1,
    )
    version = gto_tags.gto_tag("text-classification@v1.2.0", "c" * 40, None, True)
    assert version is not None and (version.action, version.version) == ("register", "v1.2.0")
    simple = gto_tags.gto_tag("nn#staging", "c" * 40, None, True)
    assert simple is not None and (simple.stage, simple.counter) == ("staging", None)
    for name, action in (
        ("nn#prod!#4", "unassign"),
        ("nn@v1.0.0!#5", "deregister"),
        ("nn@deprecated#6", "deprecate"),
    ):
        got = gto_tags.gto_tag(name, "c" * 40, None, True)
        assert got is not None and got.action == action, name


@pytest.mark.parametrize(
    ("name", "release"),
    [
        ("v1.0.0", True),
        ("text-classification@v1.0.0", True),
        ("text-classification#prod#1", False),
        ("text-classification#stage", False),
        ("text-classification#prod!#4", False),
        ("text-classification@v1.0.0!#5", False),
        ("text-classification@deprecated#6", False),
        ("text-classification#prod#one", False),  # a broken stage tag is no release either
        ("text-classification@v1.0", True),  # breaks GTO's grammar, but is not a stage tag
        ("team@home-v2", True),
    ],
)
def test_release_names(name: str, release: bool) -> None:
    assert gto_tags.is_release_name(name) is release
    assert tag_matcher("*", False)(name) is release


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("text-classification#prod#one", "expected NAME#STAGE or NAME#STAGE#N"),
        ("-text#prod#1", "expected NAME#STAGE or NAME#STAGE#N"),
        ("text-classification@v1.0", "expected NAME@vMAJOR.MINOR.PATCH"),
        ("text-classification@1.0.0", "expected NAME@vMAJOR.MINOR.PATCH"),
    ],
)
def test_malformed_reason(name: str, fragment: str) -> None:
    reason = gto_tags.malformed_reason(name)
    assert reason is not None and fragment in reason.text("en") and repr(name) in reason.text("en")


def test_not_gto_like_is_not_malformed() -> None:
    assert gto_tags.malformed_reason("v1.0.0") is None
    assert gto_tags.malformed_reason("team@home") is None
    assert gto_tags.malformed_reason("text-classification@v1.0.0") is None


def test_stages_of_example_get_started(example: tuple[Path, dict[str, str]]) -> None:
    repo, commits = example
    (art,) = artifact_stages(git_dvc.read_gto_tags(repo).tags)
    assert art.artifact == MODEL
    assert art.versions == ["v1.0.0", "v1.1.0", "v1.2.0"]
    got = {s.stage: (s.version, s.tag, s.commit) for s in art.stages}
    assert got == {
        "dev": ("v1.2.0", "text-classification#dev#3", commits["c10"]),
        "prod": ("v1.0.0", "text-classification#prod#1", commits["c8"]),
        "stage": ("v1.1.0", "text-classification#stage#2", commits["c9"]),
    }
    assert art.stage("prod").version_tag == "text-classification@v1.0.0"
    assert our_view(repo) == gto_view(repo)


def test_release_pattern_never_takes_stage_tags(example: tuple[Path, dict[str, str]]) -> None:
    repo, _ = example
    names = [t.name for t in list_tags(repo, "text-classification@*").tags]
    assert names == [f"{MODEL}@v1.0.0", f"{MODEL}@v1.1.0", f"{MODEL}@v1.2.0"]
    everything = [t.name for t in list_tags(repo, "*").tags]
    assert not [n for n in everything if "#" in n]
    assert f"{MODEL}#prod#1" in [t.name for t in list_tags(repo, "*", releases_only=False).tags]


def test_reassign_and_unassign_follow_gto(
    example: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    repo = copy_repo(example[0], tmp_path / "repo")
    commits = example[1]
    tag(repo, f"{MODEL}#prod#4", commits["c10"], "2024-05-11T09:00:00+00:00")
    assert our_view(repo)["prod"] == "v1.2.0" == gto_view(repo)["prod"]
    tag(repo, f"{MODEL}#prod!#5", commits["c10"], "2024-05-12T09:00:00+00:00")
    # v1.2.0 leaves prod: the assignment still in effect (v1.0.0's) is prod again
    assert our_view(repo)["prod"] == "v1.0.0" == gto_view(repo)["prod"]
    tag(repo, f"{MODEL}@v1.0.0!#6", commits["c8"], "2024-05-13T09:00:00+00:00")
    # a deregistered version leaves every stage
    assert "prod" not in our_view(repo)
    assert "prod" not in gto_view(repo)


def test_counter_breaks_a_tie_of_dates(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shas = []
    for n in range(2):
        (repo / "f").write_text(str(n), encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", str(n))
        shas.append(git(repo, "rev-parse", "HEAD").stdout.strip())
    same = "2024-01-01T00:00:00+00:00"
    tag(repo, "m@v1.0.0", shas[0], same)
    tag(repo, "m@v2.0.0", shas[1], same)
    tag(repo, "m#prod#2", shas[1], same)
    tag(repo, "m#prod#1", shas[0], same)
    (art,) = artifact_stages(git_dvc.read_gto_tags(repo).tags)
    assert art.stage("prod").version == "v2.0.0"  # #2 was assigned after #1


def test_lightweight_and_unregistered(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "f").write_text("x", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "x")
    sha = git(repo, "rev-parse", "HEAD").stdout.strip()
    tag(repo, "m@v1.0.0", sha, "2024-01-01T00:00:00+00:00", annotated=False)
    tag(repo, "m#prod#1", sha, "2024-01-02T00:00:00+00:00")
    (art,) = artifact_stages(git_dvc.read_gto_tags(repo).tags)
    assert [n.text("en") for n in art.notes] == [
        "lightweight tag 'm@v1.0.0' ignored (GTO reads annotated tags only)"
    ]
    assert art.notes[0].text("es") == "tag ligero 'm@v1.0.0' ignorado (GTO solo lee tags anotados)"
    prod = art.stage("prod")
    assert prod is not None and prod.version is None
    assert prod.reason == f"no version of m is registered at commit {sha[:12]}"
    item = stage_item(art, {"m@v1.0.0": "ok"})
    assert item.status == "unknown" and "no version of m is registered" in item.reason


@pytest.mark.parametrize(
    ("status", "icon_status", "says"),
    [
        ("ok", "ok", "passes the integrity check"),
        ("warn", "warn", "passes the integrity check with warnings"),
        ("fail", "fail", "fails the integrity check"),
        ("unknown", "unknown", "could not be fully checked (see its ❓ items)"),
    ],
)
def test_prod_integrity(
    example: tuple[Path, dict[str, str]], status: str, icon_status: str, says: str
) -> None:
    (art,) = artifact_stages(git_dvc.read_gto_tags(example[0]).tags)
    item = stage_item(art, {"text-classification@v1.0.0": status, "v9": "fail"})
    assert item.status == icon_status
    assert item.reason == (
        "text-classification v1.0.0 is in prod (text-classification#prod#1); its release tag "
        f"text-classification@v1.0.0 {says}"
    )


def test_prod_integrity_unknown(example: tuple[Path, dict[str, str]]) -> None:
    (art,) = artifact_stages(git_dvc.read_gto_tags(example[0]).tags)
    unchecked = stage_item(art, {})
    assert unchecked.status == "unknown"
    assert "was not checked (does tags.pattern match it?)" in unchecked.reason
    nothing = stage_item(art, {}, stage="qa")
    assert (nothing.status, nothing.reason) == (
        "unknown",
        "no version of text-classification is in qa",
    )


def test_malformed_tags_are_noted(example: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo = copy_repo(example[0], tmp_path / "repo")
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    tag(repo, f"{MODEL}@v1.3", head, "2024-06-01T00:00:00+00:00")
    tag(repo, f"{MODEL}#prod#x", head, "2024-06-01T00:00:00+00:00")
    read = git_dvc.read_gto_tags(repo)
    assert sorted(m.tag for m in read.malformed) == [f"{MODEL}#prod#x", f"{MODEL}@v1.3"]
    assert our_view(repo)["prod"] == "v1.0.0"  # the broken tags change nothing
    listing = list_tags(repo, f"{MODEL}*")
    assert [t.name for t in listing.tags][-1] == f"{MODEL}@v1.3"  # matched: kept, with a note
    stage = (
        "expected NAME#STAGE or NAME#STAGE#N (NAME and STAGE: letters, digits, '-', '_', '/', "
        "starting and ending with a letter or digit; N a number)"
    )
    version = "expected NAME@vMAJOR.MINOR.PATCH (a semantic version after 'v', e.g. @v1.2.0)"
    assert listing.notes == [
        f"tag '{MODEL}#prod#x' breaks GTO's grammar ({stage}); GTO ignores it",
        f"tag '{MODEL}@v1.3' breaks GTO's grammar ({version}); GTO ignores it",
    ]
    assert listing.remarks[1].text("es") == (
        f"el tag '{MODEL}@v1.3' no sigue la gramática de GTO (se espera NOMBRE@vMAYOR.MENOR.PARCHE "
        "(una versión semántica tras 'v', p. ej. @v1.2.0)); GTO lo ignora"
    )


def test_report_section_shows_each_stage(
    example: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The integrity result, its report section (en/es) and the CLI table show prod → v1.0.0."""
    from rich.console import Console
    from support.configs import make_config

    from metricwatch.cli.integrity_format import markdown, tables
    from metricwatch.doc.table import Table
    from metricwatch.i18n import t
    from metricwatch.parts.integrity.collect import check_integrity
    from metricwatch.parts.integrity.section import build
    from metricwatch.pipeline.meta import build_meta
    from metricwatch.result import MonitoringResult

    repo = example[0]
    cfg = make_config(
        tmp_path,
        project={"path": str(repo)},
        mlflow={"tracking_uri": f"sqlite:///{tmp_path / 'none.db'}"},  # no store: runs ❓
        tags={"pattern": f"{MODEL}@*"},
    )
    rep = check_integrity(cfg)
    assert [t.tag for t in rep.tags] == [f"{MODEL}@v1.0.0", f"{MODEL}@v1.1.0", f"{MODEL}@v1.2.0"]
    got = {s.stage: (s.model, s.version, s.tag) for s in rep.stages}
    assert got == {
        "dev": (MODEL, "v1.2.0", f"{MODEL}#dev#3"),
        "prod": (MODEL, "v1.0.0", f"{MODEL}#prod#1"),
        "stage": (MODEL, "v1.1.0", f"{MODEL}#stage#2"),
    }
    prod = next(s for s in rep.stages if s.stage == "prod")
    release = next(t for t in rep.tags if t.tag == f"{MODEL}@v1.0.0").verdict  # not a pass
    assert prod.check.status == release != "ok"
    assert prod.check.reason.startswith(f"{MODEL} v1.0.0 is in prod ({MODEL}#prod#1); ")
    result = MonitoringResult(meta=build_meta(cfg), parts={"integrity": rep})
    for lang in ("en", "es"):
        blocks = build(result, lang)
        heading = next(
            i
            for i, b in enumerate(blocks)
            if getattr(b, "text", None) == t("integrity.stages", lang)
        )
        table = next(b for b in blocks[heading:] if isinstance(b, Table))
        assert table.headers() == [
            t(f"integrity.stage_col.{c}", lang)
            for c in ("model", "stage", "version", "tag", "check")
        ]
        rows = {r[1]: r[2] for r in table.texts()}
        assert rows == {"dev": "v1.2.0", "prod": "v1.0.0", "stage": "v1.1.0"}
        assert f"{MODEL}#prod#1" in table.html()
        prod_check = next(r[-1] for r in table.texts() if r[1] == "prod")
        where = {"en": "is in prod", "es": "está en prod"}[lang]
        assert f"{MODEL} v1.0.0 {where} ({MODEL}#prod#1); " in prod_check
        release = {"en": "; its release tag ", "es": "; su tag de versión "}[lang]
        assert f"{release}{MODEL}@v1.0.0 " in prod_check
    out = Console(width=200, record=True, file=io.StringIO())
    for printed in tables(out, rep):
        out.print(printed)
    line = next(li for li in out.export_text().splitlines() if "#prod#1" in li)
    assert "prod" in line and "v1.0.0" in line
    assert f"- {MODEL} prod → v1.0.0 ({MODEL}#prod#1): " in markdown(rep)
