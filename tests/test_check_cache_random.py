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
    kind = rng.randrange(6)
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
    elif kind == 4:
        text = text.replace("Part one", "Part two") if "Part one" in text else text.replace("Part two", "Part one")
    else:  # front matter broken or mended: its error comes with the stored results that parsed the page
        text = text.replace("title: [", "title: ", 1) if "title: [" in text else text.replace("title: ", "title: [", 1)
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


def _moving_edit(page: Path, rng: random.Random) -> None:
    """Lines added, removed, joined or indented at random places: links move, and sometimes
    a link, a heading or a code block changes with them."""
    lines = page.read_bytes().split(b"\n")
    at = rng.randrange(len(lines))
    kind = rng.randrange(7)
    if kind == 6:  # near the top: above most links
        lines.insert(rng.randrange(min(len(lines), 6)), rng.choice([b"Intro.", b"", b"Intro.\n\nMore."]))
    elif kind == 0:
        lines.insert(at, rng.choice([b"Intro.", b"", b"See [b](b.md#fin).", b"## New heading"]))
    elif kind == 1 and len(lines) > 2:
        del lines[at]
    elif kind == 2 and at + 1 < len(lines):
        lines[at:at + 2] = [lines[at] + b" " + lines[at + 1]]
    elif kind == 3:
        lines[at] = rng.choice([b" ", b"    ", b"\t"]) + lines[at]
    elif kind == 4:
        lines[at] = b"Prose " + lines[at]
    else:
        lines.insert(at, b"")
        lines.insert(at, b"")
    page.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("seed", [1, 2])
def test_random_moves_of_links_replay_what_a_check_from_scratch_reports(tmp_path: Path, capsys, monkeypatch,
                                                                          seed: int):
    """A project without target locales, whose source check is replayed after edits that
    only move links (``pipeline.checkmoves``): the seed page (11 findings, CRLF-free LF text,
    one malformed link) and two pages linking into it, edited at random."""
    from pipeline import checkmoves

    moved: list[str] = []
    real = checkmoves.moved_report

    def counting(moves, pages):
        found = real(moves, pages)
        moved.append("replayed" if found is not None else "checked")
        return found

    monkeypatch.setattr(checkmoves, "moved_report", counting)
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    shutil.copy(REPO / "source" / SEED_NAME, project / "source" / SEED_NAME)
    shutil.copy(REPO / "check-baseline.json", project / "check-baseline.json")
    (project / "pyproject.toml").write_text(
        '[tool.pipeline]\nsource_locale = "en-US"\nbaseline = "check-baseline.json"\n', encoding="utf-8")
    source = project / "source"
    (source / "a.md").write_text(f"# A\n\n## Part one\n\nSee [b](b.md#fin), [seed]({SEED_NAME}#voir-aussi) and "
                                 f"[gone](gone.md).\n\n[x](a.md#nothing)\n", encoding="utf-8")
    (source / "b.md").write_text("# B\n\n## Fin\n\nBack to [a](a.md#part-one).\n", encoding="utf-8")
    rng = random.Random(seed)
    pages = [source / SEED_NAME, source / SEED_NAME, source / "a.md", source / "b.md"]
    _run(project, capsys, "check", "--no-outputs")
    for step in range(16):
        _moving_edit(rng.choice(pages), rng)
        cached = _run(project, capsys, "check", "--no-outputs")
        assert cached == _run(project, capsys, "check", "--no-outputs", "--no-cache"), f"step {step}"
    assert moved.count("replayed") >= 5  # the moves were replayed, not only checked


def test_random_moves_on_real_translated_pages_replay_what_a_check_from_scratch_reports(corpus: Path, tmp_path: Path,
                                                                                         capsys, monkeypatch):
    """The same on the corpus's Japanese end-user pages (CRLF, CJK text, links into
    folders that are not there, so many findings): edits that move links are replayed with
    the findings moved, and each report equals a check from scratch."""
    from pipeline import checkmoves

    moved: list[bool] = []
    real = checkmoves.moved_report

    def counting(moves, pages):
        found = real(moves, pages)
        moved.append(found is not None)
        return found

    monkeypatch.setattr(checkmoves, "moved_report", counting)
    project = tmp_path / "site"
    shutil.copytree(corpus / "ja-jp" / "InTuneDocs" / "EndUser", project / "source")
    (project / "pyproject.toml").write_text('[tool.pipeline]\nsource_locale = "ja-JP"\n', encoding="utf-8")
    pages = sorted((project / "source").glob("*.md"))
    rng = random.Random(5)
    first = _run(project, capsys, "check", "--no-outputs")
    assert first[0] == 1 and first[1].count("\n") > 20  # real findings to move
    for step in range(12):
        _moving_edit(rng.choice(pages), rng)
        cached = _run(project, capsys, "check", "--no-outputs")
        assert cached == _run(project, capsys, "check", "--no-outputs", "--no-cache"), f"step {step}"
    assert moved.count(True) >= 3


_LINKS = [b"[c](c.md)", b"[b](b.md#fin)", b"[b](b.md#nope)", b"[a](#part-one)", b"[a](#nothing)", b"[gone](gone.md)",
          b"[root](/intune/end-user/b#fin)", b"[root](/intune/elsewhere/x)", b"[old](old.md)", b"[case](B.md)",
          b"[seed](%s#voir-aussi)", b"[seed](%s#nope)", b"[bad](g(1.md)", b"[win](.\\b.md)", b"![img](media/x.png)"]


def _relinking_edit(page: Path, rng: random.Random) -> None:
    """A link added, removed or changed at a random place (sometimes a heading or an anchor
    with it), or lines moved as ``_moving_edit`` moves them."""
    lines = page.read_bytes().split(b"\n")
    at = rng.randrange(len(lines))
    kind = rng.randrange(6)
    link = rng.choice(_LINKS).replace(b"%s", SEED_NAME.encode())
    if kind == 0:
        lines.insert(at, link)
    elif kind == 1:
        lines[at] = lines[at] + b" " + link
    elif kind in (2, 3):  # a link's target changed, or a link goes (with the rest of its line)
        linked = [i for i, line in enumerate(lines) if b"](" in line and not line.startswith(b"#")] or [at]
        at = rng.choice(linked)
        start = lines[at].find(b"](")
        lines[at] = (lines[at][:start] + b"](x-" + lines[at][start + 2:]) if kind == 2 else lines[at][:start]
    elif kind == 4 and rng.random() < 0.3:  # now and then an id with it: the site is checked
        lines.insert(at, rng.choice([b"## Fin", b'<a name="fin"></a>', b"## Part one"]) + b" " + link)
    else:
        page.write_bytes(b"\n".join(lines))
        _moving_edit(page, rng)
        return
    page.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_link_edits_remake_what_a_check_from_scratch_reports(tmp_path: Path, capsys, monkeypatch, seed: int):
    """Links added, removed and changed at random on the seed page and two pages linking into
    it, with a site map, redirects and a baseline: each report made again from the edited
    page's links (``pipeline.checkrelink``) equals a check from scratch."""
    from pipeline import checkrelink

    remade: list[bool] = []
    real = checkrelink.relinked_report

    def counting(*args):
        found = real(*args)
        remade.append(found is not None)
        return found

    monkeypatch.setattr(checkrelink, "relinked_report", counting)
    project = tmp_path / "site"
    source = project / "source"
    source.mkdir(parents=True)
    shutil.copy(REPO / "source" / SEED_NAME, source / SEED_NAME)
    shutil.copy(REPO / "check-baseline.json", project / "check-baseline.json")
    (project / "pyproject.toml").write_text(
        '[tool.pipeline]\nsource_locale = "en-US"\nbaseline = "check-baseline.json"\n'
        '[tool.pipeline.site_map]\n"/intune/end-user" = ""\n', encoding="utf-8")
    (source / ".openpublishing.redirection.json").write_text(
        '{"redirections": [{"source_path": "old.md", "redirect_url": "/intune/end-user/b"}]}', encoding="utf-8")
    (source / "a.md").write_text(f"# A\n\n## Part one\n\nSee [b](b.md#fin), [seed]({SEED_NAME}#voir-aussi) and "
                                 f"[gone](gone.md).\n\n[x](a.md#nothing)\n", encoding="utf-8")
    (source / "b.md").write_text("# B\n\n## Fin\n\nBack to [a](a.md#part-one).\n", encoding="utf-8")
    rng = random.Random(seed)
    pages = [source / SEED_NAME, source / "a.md", source / "a.md", source / "b.md"]
    _run(project, capsys, "check", "--no-outputs")
    distinct = set()
    for step in range(16):
        _relinking_edit(rng.choice(pages), rng)
        cached = _run(project, capsys, "check", "--no-outputs")
        assert cached == _run(project, capsys, "check", "--no-outputs", "--no-cache"), f"step {step}"
        distinct.add(cached)
    assert remade.count(True) >= 5 and len(distinct) >= 8  # remade, not only checked; and the reports changed
