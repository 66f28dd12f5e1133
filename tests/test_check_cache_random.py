"""``pipeline check`` with its stored results against a check from scratch, after random edits.

The shipped sample plus two pages that link into each other and into the seed page. Each
step makes one edit (a PO message or note, a heading, a link, a page added or removed, a
built page edited or removed), usually rebuilds, then checks with and without outputs: the
check that reuses stored results (in one process or in workers) must print exactly what
``--no-cache`` prints. The seeds are fixed, so a failure reproduces; they are seeds whose
edits change the report at least six times in ten steps (``distinct``). Complements the
edit-by-edit test in ``test_check.py``; the same loop, run by hand with 12 other seeds and
15-20 steps, found no difference either.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from pipeline.catalog import format_catalog, parse_catalog
from pipeline.cli import main

from .conftest import REPO, SEED_NAME


def _run(project: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["-C", str(project), *args])
    return code, capsys.readouterr().out


def _po_edit(project: Path, rng: random.Random) -> None:
    locale = rng.choice(["de-DE", "en-US"])
    path = rng.choice(sorted((project / "locales" / locale).glob("*.po")))
    po = parse_catalog(path.read_text(encoding="utf-8"), str(path))
    entry = rng.choice([e for e in po if e.msgid])
    kind = rng.randrange(4)
    if kind == 0:
        entry.msgstr = ""
    elif kind == 1:  # a link target changed, accepted or not
        entry.msgstr = entry.msgid.replace(".md", "-x.md") if ".md" in entry.msgid else entry.msgid + " X"
        entry.tcomment = rng.choice(["", "qa-accept: qa.link-target"])
    elif kind == 2:  # a note: the entries below move, the built pages do not change
        entry.tcomment = "" if entry.tcomment else "note\non two lines"
    else:  # a fragment changed, accepted or not
        entry.msgstr = entry.msgid.replace("#", "#x") if "#" in entry.msgid else entry.msgid
        entry.tcomment = rng.choice(["", "qa-accept: qa.link-fragment"])
    path.write_text(format_catalog(po), encoding="utf-8")


def _source_edit(project: Path, rng: random.Random) -> None:
    source = project / "source"
    page = rng.choice([source / "a.md", source / "b.md"])
    text = page.read_text(encoding="utf-8")
    kind = rng.randrange(5)
    if kind == 0:  # a heading another page links to
        text = text.replace("## Fin\n", "## Fine\n") if "## Fin\n" in text else text.replace("## Fine\n", "## Fin\n")
    elif kind == 1:
        text = text.replace("# ", "# X", 1)
    elif kind == 2:
        text += rng.choice(["\nMore [c](c.md).\n", "\nProse.\n", "\n[x](a.md#nothing)\n"])
    elif kind == 3:  # a page appears or goes
        extra = source / "c.md"
        if extra.exists():
            extra.unlink()
        else:
            extra.write_text("# C\n\n[a](a.md)\n", encoding="utf-8")
    else:
        text = text.replace("Part one", "Part two") if "Part one" in text else text.replace("Part two", "Part one")
    page.write_text(text, encoding="utf-8")


def _output_edit(project: Path, rng: random.Random) -> None:
    built = sorted(p for p in (project / "out").rglob("*") if p.is_file() and ".cache" not in p.parts
                   and p.suffix in (".md", ".html"))
    if built:
        page = rng.choice(built)
        if rng.random() < 0.5:
            page.unlink()
        else:
            page.write_text(page.read_text(encoding="utf-8").replace("#", "#y", 1), encoding="utf-8")


@pytest.mark.parametrize("seed", [3, 6, 8])
def test_random_edits_never_make_the_cached_check_differ(sample_project: Path, capsys, seed: int):
    project = sample_project
    shutil.copy(REPO / "check-baseline.json", project / "check-baseline.json")
    source = project / "source"
    (source / "a.md").write_text(
        f"---\ntitle: A\n---\n# A\n\n## Part one\n\nSee [b](b.md#fin) and [seed]({SEED_NAME}#voir-aussi).\n",
        encoding="utf-8")
    (source / "b.md").write_text("---\ntitle: B\n---\n# B\n\n## Fin\n\nBack to [a](a.md#part-one).\n", encoding="utf-8")
    rng = random.Random(seed)
    _run(project, capsys, "all")
    distinct = set()
    for step in range(10):
        rng.choice([_po_edit, _po_edit, _source_edit, _source_edit, _output_edit])(project, rng)
        if rng.random() < 0.7:
            _run(project, capsys, "all")
        for args in ([], ["--no-outputs"]):
            cached = _run(project, capsys, "check", *args, *rng.choice([["-j", "1"], []]))
            assert cached == _run(project, capsys, "check", *args, "--no-cache", "-j", "1"), f"step {step} {args}"
            distinct.add(cached)
    assert len(distinct) >= 6  # the edits did change what is reported
