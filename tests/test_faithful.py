"""An empty catalog gives every source page back byte for byte (front-matter format)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import catalog
from pipeline.cli import main
from pipeline.render import apply_translations
from pipeline.source import load_document

from .conftest import SEED_NAME


def _project(tmp_path: Path, source: Path, locales: list[str]) -> Path:
    project = tmp_path / "site"
    (project / "locales").mkdir(parents=True)
    (project / "pipeline.toml").write_text(
        f'source = "{source.as_posix()}"\nsource_locale = "en-US"\ntarget_locales = {locales!r}\n'.replace("'", '"'),
        encoding="utf-8",
    )
    return project


def _assert_identical(source: Path, built: Path) -> int:
    pages = sorted(source.rglob("*.md"))
    for page in pages:
        relative = page.relative_to(source)
        assert (built / relative).read_bytes() == page.read_bytes(), relative
    return len(pages)


def test_corpus_round_trips_byte_for_byte(corpus, tmp_path):
    source = corpus / "en-us"
    project = _project(tmp_path, source, ["fr-FR"])
    assert main(["-C", str(project), "extract"]) == 0
    assert main(["-C", str(project), "update"]) == 0  # creates empty fr-FR catalogs
    assert main(["-C", str(project), "build"]) == 0
    for locale in ("en-US", "fr-FR"):
        assert _assert_identical(source, project / "out" / "frontmatter" / locale) == 432


def test_seed_round_trips_with_mixed_line_endings(shared, tmp_path):
    seed = shared / "seed"
    assert b"\r\n" in (seed / SEED_NAME).read_bytes() or b"\n" in (seed / SEED_NAME).read_bytes()
    project = _project(tmp_path, seed, ["de-DE"])
    assert main(["-C", str(project), "build"]) == 0  # no PO at all: source text
    assert _assert_identical(seed, project / "out" / "frontmatter" / "de-DE") == 1


@pytest.mark.parametrize("folder, locale", [("fr-fr", "fr-FR"), ("de-de", "de-DE"), ("ja-jp", "ja-JP")])
def test_translated_corpus_as_source_round_trips(corpus, tmp_path, folder, locale):
    """The French, German and Japanese trees as sources (NBSP, CJK, CRLF, BOM, quoted values)."""
    source = corpus / folder
    project = tmp_path / "site"
    (project / "locales").mkdir(parents=True)
    (project / "pipeline.toml").write_text(
        f'source = "{source.as_posix()}"\nsource_locale = "{locale}"\n', encoding="utf-8")
    assert main(["-C", str(project), "build", "--format", "frontmatter"]) == 0
    assert _assert_identical(source, project / "out" / "frontmatter" / locale) > 400


def test_a_page_with_cr_only_line_endings_builds_and_keeps_them(sample_project):
    """Old Mac line endings: the page builds (front matter included), the source locale comes
    back byte for byte and a translated page keeps CR alone as its line ending."""
    page = sample_project / "source" / SEED_NAME
    cr_only = page.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    page.write_bytes(cr_only)
    assert main(["-C", str(sample_project), "build", "--format", "frontmatter"]) == 0
    out = sample_project / "out" / "frontmatter"
    assert (out / "fr-FR" / SEED_NAME).read_bytes() == cr_only
    translated = (out / "en-US" / SEED_NAME).read_bytes()
    assert b"\n" not in translated and translated.count(b"\r") == cr_only.count(b"\r")
    assert b"\rtitle: You see errors while trying to enroll your iOS device in Intune | Microsoft Intune\r" in translated


_ANCHOR = re.compile(r'<a name="[^"]*"></a>|<span id="[^"]*"></span>')  # (<span>: a heading in HTML)


def test_a_translation_that_keeps_the_msgid_changes_only_its_own_text(corpus):
    """Every body message of the 432 English pages translated as itself plus a word: the page
    must come back with that word after each message and no other byte changed. Lines after a
    dropped ``[!div]`` or alert line lost their indentation (choose-how-to-enroll-devices,
    restrict-access-to-exchange-online, rollout-phases), continuation lines took the second
    line's indentation (a tab became four spaces, a lazy line got indented: scep, step-8,
    set-up-email-access) and an unclosed ``![<tap-device-name](...)`` became ``&lt;``."""
    differing = {}
    for page in sorted((corpus / "en-us").rglob("*.md")):
        text = page.read_bytes().decode("utf-8")
        document = load_document(page.name, text)
        values = {s.text for s in document.segments if s.kind == "front-matter"}
        body = [s for s in document.segments if s.kind != "front-matter" and s.text not in values]
        front, built = apply_translations(document, {s.text: s.text + " XX" for s in body})
        expected = text
        for segment in sorted(body, key=lambda s: -s.end):
            expected = expected[:segment.end] + " XX" + expected[segment.end:]
        # the build's anchors before translated headings set aside (and the source's own)
        built, expected = _ANCHOR.sub("", front + built), _ANCHOR.sub("", expected)
        if built != expected:
            line = next(i for i, (a, b) in enumerate(zip(built.splitlines(), expected.splitlines())) if a != b)
            differing[page.relative_to(corpus / "en-us").as_posix()] = (line + 1, built.splitlines()[line][:60])
    assert differing == {}


def _translated(tmp_path: Path, pages: dict[str, str], translate) -> Path:
    """A project of ``pages`` (en-US) with its fr-FR catalog filled by ``translate(msgid)``, built."""
    project = tmp_path / "site"
    for name, text in pages.items():
        (project / "source" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "source" / name).write_bytes(text.encode("utf-8"))
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    for po in (project / "locales/fr-FR").rglob("*.po"):
        entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
        for entry in entries:
            entry.msgstr = translate(entry.msgid) or ""
        po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    return project


@pytest.mark.parametrize("msgstr", ["[Suivant >](next.md)", "  [Suivant >](next.md)"])
def test_a_translated_line_under_a_div_marker_stays_in_its_block(tmp_path, msgstr):
    """The line under '  > [!div class="button"]' (a lazy line of the quote's paragraph) was the
    msgid '  [Next >](next.md)': its translation lost the two spaces, and without them the HTML
    lost the quote (the link joined the paragraph before it). The corpus's BYOD/COD buttons
    (GetStarted/choose-how-to-enroll-devices.md) in fr-FR, de-DE and ja-JP."""
    source = 'Intro paragraph.\n  > [!div class="button"]\n  [Next >](next.md)\n'
    project = _translated(tmp_path, {"index.md": source, "next.md": "# Next\n"},
                          lambda msgid: msgstr if "Next >" in msgid else None)
    assert (project / "out/frontmatter/fr-FR/index.md").read_text(encoding="utf-8") == \
        source.replace("Next >", "Suivant >")
    english = (project / "out/html/en-US/index.html").read_text(encoding="utf-8")
    french = (project / "out/html/fr-FR/index.html").read_text(encoding="utf-8")
    assert '<blockquote>\n<p><a href="next.html">Next &gt;</a></p>\n</blockquote>' in english
    assert '<blockquote>\n<p><a href="next.html">Suivant &gt;</a></p>\n</blockquote>' in french


def test_continuation_lines_keep_their_own_leading_whitespace(tmp_path):
    """Only 'Step' translated, in a list item's paragraph of four lines: the tab line got four
    spaces and the lazy line four spaces more, every line taking the second line's indentation
    (the corpus's step-8, scep and set-up-email-access pages)."""
    source = "1.  **Step**\n    Line two.\n\tLine three with tab.\nLazy line.\n"
    project = _translated(tmp_path, {"p.md": source}, lambda msgid: msgid.replace("Step", "Étape"))
    assert (project / "out/frontmatter/fr-FR/p.md").read_text(encoding="utf-8") == source.replace("Step", "Étape")
    assert (project / "out/markdown/fr-FR/p.md").read_text(encoding="utf-8").endswith(
        source.replace("Step", "Étape"))


def test_a_pipe_the_translation_adds_outside_a_table_is_text(tmp_path):
    """One '|' more than the msgid, in a paragraph: every '|' was escaped, the code span's too,
    so every format showed 'dir \\| more' (a code span shows the backslash)."""
    source = "Run `dir | more` to page the output.\n"
    project = _translated(tmp_path, {"p.md": source},
                          lambda msgid: "Exécutez `dir | more` pour paginer | la sortie.")
    for fmt in ("frontmatter", "markdown"):
        assert (project / "out" / fmt / "fr-FR/p.md").read_text(encoding="utf-8") == \
            "Exécutez `dir | more` pour paginer | la sortie.\n"
    assert "<code>dir | more</code> pour paginer | la sortie." in \
        (project / "out/html/fr-FR/p.html").read_text(encoding="utf-8")
