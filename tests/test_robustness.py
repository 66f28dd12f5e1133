"""Bad input through the command line: one located line per problem, the right exit status,
no traceback, and no translation or built output lost (the team's contract for bad input)."""

from __future__ import annotations

from pathlib import Path

from pipeline.cli import main

from .conftest import SEED_NAME

EN_PO = f"locales/en-US/{SEED_NAME[:-3]}.po"
HEADING = 'msgstr "You see errors while trying to enroll your iOS device in Intune"'


def _run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def _force_merge(po: Path) -> None:
    """Drop the PO file's template digest so that ``update`` merges it again."""
    po.write_text("".join(l for l in po.read_text(encoding="utf-8").splitlines(keepends=True)
                          if "X-Pipeline-Template" not in l), encoding="utf-8")


def test_msgstr_index_without_msgid_plural_is_an_error_and_update_keeps_the_file(sample_project, capsys):
    """``msgstr[0]`` in a singular entry (msgfmt: "missing 'msgid_plural' section") was read by
    polib as a plural form: the build dropped the translation silently and ``update`` wrote the
    catalog back with the translation gone."""
    po = sample_project / EN_PO
    text = po.read_text(encoding="utf-8")
    assert HEADING in text
    po.write_text(text.replace(HEADING, HEADING.replace("msgstr", "msgstr[0]"), 1), encoding="utf-8")
    _force_merge(po)
    broken = po.read_text(encoding="utf-8")
    line = broken[: broken.index("msgstr[0]")].count("\n") + 1
    expected = [f"{EN_PO}:{line}:1: error: msgstr[0] without msgid_plural [po.syntax]"]
    assert _run(sample_project, "build") == 1
    assert capsys.readouterr().err.splitlines() == expected
    assert _run(sample_project, "update") == 1
    assert capsys.readouterr().err.splitlines() == expected
    assert po.read_text(encoding="utf-8") == broken  # the translator's text is still there


def test_plural_entry_is_reported_as_such(sample_project, capsys):
    """A well-formed plural entry is not "msgstr without msgid": pages have no plural
    messages, and merging would drop its forms, so it is an error that names the cause."""
    po = sample_project / EN_PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text + '\nmsgid "%d device"\nmsgid_plural "%d devices"\nmsgstr[0] "a"\nmsgstr[1] "b"\n',
                  encoding="utf-8")
    line = text.count("\n") + 3
    assert _run(sample_project, "build") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{EN_PO}:{line}:1: error: plural entry (msgid_plural): pages have no plural messages [po.syntax]"]


def test_build_of_one_locale_keeps_the_other_locales_outputs(sample_project, capsys):
    """``build --locale en-US`` deleted every other locale's pages (their cache records were not
    carried over, so their outputs counted as stale), leaving de-DE/index.html linking to
    nothing."""
    assert _run(sample_project, "build") == 0
    out = sample_project / "out"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert _run(sample_project, "build", "--locale", "en-US") == 0
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert sorted(after) == sorted(before)
    assert (out / "html/de-DE" / (SEED_NAME[:-3] + ".html")).read_bytes() == before[out / "html/de-DE" / (SEED_NAME[:-3] + ".html")]


def test_removed_page_leaves_the_indexes(sample_project, capsys):
    """A page removed from source/ had its outputs removed, but the build found every other
    unit up to date and did not write the site files again: each locale's index.html kept a
    link to the removed page, which ``pipeline check`` then reported as broken."""
    (sample_project / "source" / "extra.md").write_text("---\ntitle: Page deux\n---\n# Bonjour\n", encoding="utf-8")
    assert _run(sample_project, "all") == 0
    assert 'href="extra.html"' in (sample_project / "out/html/en-US/index.html").read_text(encoding="utf-8")
    (sample_project / "source" / "extra.md").unlink()
    assert _run(sample_project, "all") == 0
    for locale in ("fr-FR", "en-US", "de-DE", "qps-ploc"):
        index = (sample_project / "out/html" / locale / "index.html").read_text(encoding="utf-8")
        assert "extra.html" not in index, locale
        assert not (sample_project / "out/html" / locale / "extra.html").exists()
